import { notFound } from "next/navigation";
import { AppError } from "../errors";

/** For pages: a service's not-found (missing, foreign or forbidden) renders the 404 page. */
export async function notFoundOnAppError<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
