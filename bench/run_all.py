"""Runs every benchmark in turn; each prints its own figures."""
from bench import catalog_stock, notify_latency, orders


def main() -> None:
    catalog_stock.main()
    orders.main()
    notify_latency.main()


if __name__ == "__main__":
    main()
