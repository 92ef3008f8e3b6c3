import { chromium } from "playwright-core";
import http from "node:http";
import { readFileSync } from "node:fs";
import pg from "pg";
const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")).node;
const idOf = (file, name) => Object.entries(manifest).find(([, v]) => v.filename === file && v.exportedName === name)[0];
const secrets = JSON.parse(readFileSync("/tmp/wt7-data/secrets.json", "utf8"));
const db = new pg.Client({ connectionString: `postgres://postgres:${encodeURIComponent(secrets.ownerPassword)}@127.0.0.1:13105/harambee` });
await db.connect();
const { rows: bens } = await db.query(`select b.id, b.first_name, b.last_name, b.household_size, o.slug, u.email from beneficiary b join organization o on o.id=b.organization_id join app_user u on u.id=b.created_by_id order by o.slug, b.created_at`);
const audits = async () => (await db.query("select count(*)::int n from audit_entry")).rows[0].n;
const own = bens.find(b => b.email === "field-manager@ikeja-relief.test");
const near = bens.find(b => b.email === "location-admin@ikeja-relief.test");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage();
const base = "http://ikeja-relief.localhost:3105";
await page.goto(base + "/login");
await page.getByLabel("Email").fill("field-manager@ikeja-relief.test");
await page.getByLabel("Password").fill("Harambee-Demo-2026!");
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForSelector("[data-testid=signed-in-as]");
const cookie = (await page.context().cookies()).filter(c => c.name.includes("harambee")).map(c => `${c.name}=${c.value}`).join("; ");
await browser.close();
const post = (path, actionId, args) => new Promise((res, rej) => {
  const boundary = "----matrix" + Math.random().toString(16).slice(2);
  const parts = [];
  const add = (k, v) => parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  for (const [k, v] of Object.entries(args.fields)) add(`_1_${k}`, v);
  add("0", args.state ? '[null,"$K1"]' : '["$K1"]');
  const body = parts.join("") + `--${boundary}--\r\n`;
  const r = http.request({ host: "127.0.0.1", port: 3105, path, method: "POST", headers: { host: "ikeja-relief.localhost:3105", cookie, "next-action": actionId, accept: "text/x-component", "content-type": `multipart/form-data; boundary=${boundary}`, origin: "http://ikeja-relief.localhost:3105" } }, (resp) => { let b = ""; resp.setEncoding("utf8"); resp.on("data", c => b += c); resp.on("end", () => res({ status: resp.statusCode, body: b, headers: resp.headers })); });
  r.on("error", rej); r.write(body); r.end();
});
const upd = idOf("app/(tenant)/(app)/beneficiaries/actions.ts", "updateBeneficiaryAction");
const missing = "0b6f3c52-6d0e-4c55-9a51-2a3f9f1f0f0f";
for (const [k, b] of Object.entries({ own, near, missing: { id: missing, first_name: "A", last_name: "B", household_size: 1 } })) {
  const a0 = await audits();
  const r = await post(`/beneficiaries/${b.id}`, upd, { state: true, fields: { id: b.id, firstName: b.first_name, lastName: b.last_name, householdSize: String(b.household_size) } });
  console.log(k, r.status, r.headers["x-action-redirect"], r.body.length, "audit+", (await audits()) - a0);
  console.log(r.body.split(b.id).join(":id").slice(0, 300));
}
// post to "/" instead
const r2 = await post(`/`, upd, { state: true, fields: { id: near.id, firstName: "x", lastName: "y", householdSize: "1" } });
console.log("to /", r2.status, r2.body.slice(0, 200));
await db.end();
