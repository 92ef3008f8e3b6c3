import { z } from "zod";
import { optionalEmail } from "./fields";

export const createDonorInput = z.object({
  name: z.string().trim().min(1, "A name is required").max(200),
  email: optionalEmail(),
});
