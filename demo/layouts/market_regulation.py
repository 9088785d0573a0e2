"""市场监督管理局 (market regulation): dates as TEXT 'YYYYMMDD'.

Registration in lower-case pinyin columns; licences, penalties and enforcement in
the upper-case 双公示 reporting format, which keeps organisations' codes and
persons' ID numbers in separate columns. The serious-dishonesty list keeps
its other responsible persons in a table of their own; the view v_yzsx joins
them back, one row per person.
"""

from __future__ import annotations

from demo.tables import TableDef, ViewDef, left_join_view, table_def

TABLES: tuple[TableDef, ...] = (
    table_def(
        "qy_jbxx",
        "企业基本信息（登记注册）",
        """
nbxh TEXT PRIMARY KEY  内部序号
tyshxydm TEXT NOT NULL  统一社会信用代码
qymc TEXT NOT NULL  企业名称
qylxdm TEXT  企业类型代码
qylx TEXT  企业类型
fddbr TEXT  法定代表人（负责人、执行事务合伙人、投资人）
fddbrzjhm TEXT  法定代表人证件号码
clrq TEXT  成立日期 YYYYMMDD
hzrq TEXT  核准日期 YYYYMMDD
zczb REAL  注册资本（万元）
zs TEXT  住所
jyfw TEXT  经营范围
djzt TEXT  登记状态
djjg TEXT  登记机关""",
        ("tyshxydm",),
    ),
    table_def(
        "t_xzxk",
        "行政许可（双公示格式）",
        """
ID INTEGER PRIMARY KEY  主键
XK_XDR_MC TEXT  行政相对人名称
XK_XDR_LB TEXT  行政相对人类别：法人及非法人组织、自然人
XK_XDR_SHXYM TEXT  行政相对人统一社会信用代码
XK_XDR_ZJHM TEXT  行政相对人证件号码（自然人）
XK_WSH TEXT  行政许可决定文书号
XK_ZSMC TEXT  许可证书名称
XK_XKBH TEXT  许可编号
XK_XKLB TEXT  许可类别
XK_NR TEXT  许可内容
XK_JDRQ TEXT  许可决定日期 YYYYMMDD
XK_YXQZ TEXT  有效期自 YYYYMMDD
XK_YXQZI TEXT  有效期至 YYYYMMDD
XK_XKJG TEXT  许可机关""",
        ("XK_XDR_SHXYM", "XK_XDR_ZJHM"),
    ),
    table_def(
        "t_xzcf",
        "行政处罚（双公示格式）",
        """
ID INTEGER PRIMARY KEY  主键
CF_XDR_MC TEXT  行政相对人名称
CF_XDR_LB TEXT  行政相对人类别：法人及非法人组织、自然人
CF_XDR_SHXYM TEXT  行政相对人统一社会信用代码
CF_XDR_ZJHM TEXT  行政相对人证件号码（自然人）
CF_WSH TEXT  行政处罚决定书文号
CF_WFXW TEXT  违法行为类型
CF_SY TEXT  违法事实
CF_YJ TEXT  处罚依据
CF_CFLB TEXT  处罚类别
CF_NR TEXT  处罚内容
CF_NR_FK REAL  罚款金额（万元）
CF_JDRQ TEXT  处罚决定日期 YYYYMMDD
CF_GSJZQ TEXT  公示截止期 YYYYMMDD
CF_CFJG TEXT  处罚机关
CF_CXRQ TEXT  撤销或变更日期 YYYYMMDD（经复议、诉讼撤销或变更处罚决定，003 art. 43）
CF_CXYY TEXT  撤销或变更原因""",
        ("CF_XDR_SHXYM", "CF_XDR_ZJHM"),
    ),
    table_def(
        "qy_jyyc",
        "经营异常名录",
        """
xh INTEGER PRIMARY KEY  序号
tyshxydm TEXT NOT NULL  统一社会信用代码
qymc TEXT  企业名称
lrrq TEXT  列入日期 YYYYMMDD
lryy TEXT  列入经营异常名录原因
lrjg TEXT  作出决定机关（列入）
ycrq TEXT  移出日期 YYYYMMDD
ycyy TEXT  移出经营异常名录原因
ycjg TEXT  作出决定机关（移出）""",
        ("tyshxydm",),
    ),
    table_def(
        "qy_yzsx",
        "严重违法失信名单（严重失信主体名单）",
        """
xh INTEGER PRIMARY KEY  序号
tyshxydm TEXT NOT NULL  统一社会信用代码
qymc TEXT  企业名称
fddbr TEXT  法定代表人（负责人）
fddbr_zjhm TEXT  法定代表人证件号码
lrrq TEXT  列入日期 YYYYMMDD
lrsy TEXT  列入事由
lryj TEXT  列入依据
lrwsh TEXT  列入决定书文号
lrjg TEXT  作出决定机关（列入）
yctj TEXT  移出条件及程序
ycrq TEXT  移出日期 YYYYMMDD
ycyy TEXT  移出原因""",
        # By person too: the gateway finds a person's entries by ID number.
        ("tyshxydm", "fddbr_zjhm"),
    ),
    # 004 art. 44, 003 art. 36: the entry names the organisation's responsible
    # persons; the legal representative is in qy_yzsx, the others here.
    table_def(
        "qy_yzsx_zrr",
        "严重失信主体的其他责任人",
        """
id INTEGER PRIMARY KEY  主键
xh INTEGER NOT NULL  严重违法失信名单序号（qy_yzsx.xh）
zrlx TEXT  责任人类型：主要负责人、实际控制人、其他直接责任人
xm TEXT  责任人姓名
zjhm TEXT  责任人证件号码（公民身份号码）""",
        ("xh", "zjhm"),
    ),
    # 001 art. 20, 004 art. 39: the red list as each unit decides it, collected
    # by the credit authority (so in any sector, not only market regulation's).
    table_def(
        "sxjl_md",
        "守信激励对象名单",
        """
xh INTEGER PRIMARY KEY  序号
tyshxydm TEXT NOT NULL  统一社会信用代码
ztmc TEXT  主体名称
hylb TEXT  行业领域
rdsy TEXT  认定事由
rdyj TEXT  认定依据
rdwh TEXT  认定文号
rddw TEXT  认定单位
rdrq TEXT  认定日期 YYYYMMDD
yxqz TEXT  有效期至 YYYYMMDD
ycrq TEXT  移出日期 YYYYMMDD
ycyy TEXT  移出原因""",
        ("tyshxydm",),
    ),
    table_def(
        "t_xzqz",
        "行政强制",
        """
ID INTEGER PRIMARY KEY  主键
QZ_XDR_MC TEXT  行政相对人名称
QZ_XDR_SHXYM TEXT  行政相对人统一社会信用代码
QZ_WSH TEXT  行政强制决定书文号
QZ_LB TEXT  行政强制措施类别
QZ_SY TEXT  实施事由
QZ_YJ TEXT  实施依据
QZ_JDRQ TEXT  决定日期 YYYYMMDD
QZ_JCRQ TEXT  解除日期 YYYYMMDD
QZ_JG TEXT  实施机关""",
        ("QZ_XDR_SHXYM",),
    ),
)


def _table(name: str) -> TableDef:
    return next(t for t in TABLES if t.name == name)


VIEWS: tuple[ViewDef, ...] = (
    left_join_view(
        "v_yzsx",
        "严重违法失信名单及其他责任人（每名其他责任人一行，无其他责任人的一行）",
        _table("qy_yzsx"),
        _table("qy_yzsx_zrr"),
        "xh",
        ("zrlx", "xm", "zjhm"),
    ),
)
