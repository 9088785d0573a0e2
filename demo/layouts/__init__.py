"""The four demo databases: file stem -> (provider unit, table layouts), and their views."""

from __future__ import annotations

from demo.layouts import civil_affairs, court, market_regulation, tax
from demo.tables import TableDef, ViewDef

DATABASES: dict[str, tuple[str, tuple[TableDef, ...]]] = {
    "market_regulation": ("杭州市市场监督管理局", market_regulation.TABLES),
    "court": ("杭州市中级人民法院（辖区法院汇总）", court.TABLES),
    "tax": ("国家税务总局杭州市税务局", tax.TABLES),
    "civil_affairs": ("杭州市民政局", civil_affairs.TABLES),
}
# Views over a database's tables, created after them (file stem -> views).
VIEWS: dict[str, tuple[ViewDef, ...]] = {"market_regulation": market_regulation.VIEWS}


def table(name: str) -> TableDef:
    """The table called ``name`` in whichever database holds it."""
    for _, tables in DATABASES.values():
        for t in tables:
            if t.name == name:
                return t
    raise KeyError(name)
