/** A Kubernetes API error saying the object, or its kind, does not exist (HTTP 404). */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: number } | undefined)?.code === 404;
}

/** Runs a read; an object that does not exist is `undefined`, any other error is thrown. */
export async function readIfPresent<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Runs a delete; an object already gone counts as deleted (`kubectl delete --ignore-not-found`),
 * so two cleanups racing, or a controller that removed it first, are not failures.
 */
export async function deleteIfPresent(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
