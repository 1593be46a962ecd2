"""Run one call from many threads at the same instant; collect outcomes or error codes."""
import threading

from chalicelib.errors import DomainError


def race(count, target):
    barrier = threading.Barrier(count)
    results, lock = [], threading.Lock()

    def run(n):
        barrier.wait()
        try:
            outcome = target(n)
        except DomainError as error:
            outcome = error.code
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
