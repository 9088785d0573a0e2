"""杭州市西湖区人民政府办公室: a 机关 (code starting with 11) and its commendation."""

from __future__ import annotations

from datetime import date as d

from demo.example_rows.helpers import Row
from demo.examples import GOVERNMENT_BODY as G

ROWS: dict[str, list[Row]] = {
    "jg_djxx": [
        {
            "tyshxydm": G.code,
            "jgmc": G.name,
            "jglx": "机关",
            "fzr": "周明华",
            "clrq": d(1984, 3, 1),
            "dz": "浙江省杭州市西湖区文三路131号",
            "zyzz": "负责区政府日常运转、政务公开、督查督办和政务服务协调等工作",
            "zt": "正常",
            "pzjg": "中共杭州市西湖区委机构编制委员会办公室",
        },
    ],
    "bzjl": [
        {
            "jlid": "b0c1d2e3f4a5968778695a4b3c2d1e03",
            "dxlx": "2",
            "dxdm": G.code,
            "dxmc": G.name,
            "rych": "浙江省政务公开工作先进集体",
            "bzjg": "浙江省人民政府办公厅",
            "bzwh": "浙政办发〔2024〕41号",
            "jb": "省级",
            "bzrq": d(2024, 11, 15),
        },
    ],
}
