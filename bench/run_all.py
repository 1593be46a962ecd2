"""Runs every benchmark in turn; each prints its own figures."""
from bench import catalog_stock, notify_latency, orders, web_pages


def main() -> None:
    catalog_stock.main()
    orders.main()
    notify_latency.main()
    web_pages.main()


if __name__ == "__main__":
    main()
