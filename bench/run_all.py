"""Runs every benchmark in turn; each prints its own figures."""
from bench import catalog_stock, orders


def main() -> None:
    catalog_stock.main()
    orders.main()


if __name__ == "__main__":
    main()
