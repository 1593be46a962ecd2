"""Runs every benchmark in turn; each prints its own figures."""
from bench import catalog_stock


def main() -> None:
    catalog_stock.main()


if __name__ == "__main__":
    main()
