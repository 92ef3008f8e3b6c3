/**
 * The errors services throw on purpose. Wrappers map them to a form message or
 * an HTTP status; anything else is ours and becomes a plain error page.
 */
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "INVALID" | "CONFLICT" | "RATE_LIMITED",
    message: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** Missing, foreign, out of scope and forbidden all look the same (promise M4.4). */
export const notFoundError = () => new AppError("NOT_FOUND", "Not found");
export const invalidError = (message: string, fieldErrors: FieldErrors = {}) =>
  new AppError("INVALID", message, fieldErrors);
export const conflictError = (message: string, fieldErrors: FieldErrors = {}) =>
  new AppError("CONFLICT", message, fieldErrors);

/** Whether a service refused with this code (a rolled-back change the caller may answer another way). */
export const isAppError = (error: unknown, code: AppError["code"]): error is AppError => error instanceof AppError && error.code === code;
