import { describe, expect, test } from "vitest";
import { inTurn } from "@/lib/services/organization-turns";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("an organisation's mutations take turns in the process", () => {
  test("at most two of one organisation's run at once; another organisation's do not wait behind them", async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const work = (name: string) => async () => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      running -= 1;
      order.push(name);
      return name;
    };
    const storm = Array.from({ length: 10 }, (_, i) => inTurn("org-a", work(`a${i}`)));
    const neighbour = inTurn("org-b", async () => {
      order.push("b");
      return "b";
    });
    expect(await neighbour).toBe("b");
    expect(await Promise.all(storm)).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
    // org-b's call ran before any of org-a's queued ones finished: it never joined their queue.
    expect(order[0]).toBe("b");
    expect(most).toBe(2);
  });

  test("a mutation inside another's turn for the same organisation runs at once rather than wait for a turn it could never get", async () => {
    const inner = () => inTurn("org-c", async () => "inner");
    const outer = Array.from({ length: 2 }, () => inTurn("org-c", async () => (await tick(), inner())));
    expect(await Promise.all(outer)).toEqual(["inner", "inner"]);
  });

  test("a failed mutation gives its turn back", async () => {
    await expect(inTurn("org-d", async () => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    await expect(inTurn("org-d", async () => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    expect(await inTurn("org-d", async () => "after")).toBe("after");
  });
});
