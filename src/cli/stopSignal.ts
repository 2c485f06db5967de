/** Resolves on Ctrl-C / SIGTERM or after `seconds` (when given), whichever comes first. */
export function untilStopped(seconds?: number): { promise: Promise<void>; stop(): void } {
  let stop!: () => void;
  const promise = new Promise<void>((resolve) => {
    const timer = seconds !== undefined ? setTimeout(finish, seconds * 1000) : undefined;
    function finish(): void {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      resolve();
    }
    stop = finish;
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
  return { promise, stop };
}
