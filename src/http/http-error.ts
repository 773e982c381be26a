/** An error with the HTTP status to answer; each protocol's error handler formats it its own way. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
