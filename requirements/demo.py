"""Demo requirements that look real, made through the services so each has its history.

The seed documents' examples (B制造企业's ERP synchronisation, A科技公司's real-time monitoring,
open API and Excel export) and requirements of the other demo customers, spread over every
status, category and quadrant, with the reasons a product manager would give for each move.
"""

from dataclasses import dataclass, field

from customers.models import Customer
from reqhub.accounts.models import User

from . import services
from .models import AssignmentRule, Requirement


@dataclass(frozen=True)
class DemoRequirement:
    customer: str
    title: str
    description: str
    background: str = ""
    evidence: str = ""
    channel: str = "sales_visit"
    category: str = "functional"
    nature: str = "explicit"
    type: str = "function"
    # importance, urgency, customer value, difficulty (1-5; difficulty higher = harder)
    scores: tuple[int, int, int, int] = (3, 3, 3, 3)
    urgency_class: str = "normal"
    tags: tuple[str, ...] = ()
    # Status moves from `new`, each with its reason; ("merged", title) merges into that one.
    moves: tuple[tuple[str, str], ...] = field(default_factory=tuple)


ACCEPT = ("not_started", "符合产品规划，纳入下一迭代")
START = ("in_progress", "排期开始开发")
TEST = ("testing", "开发完成，提交测试")
HAND_OVER = ("awaiting_acceptance", "测试通过，请客户验收")
ACCEPTED = ("done", "客户验收通过")
DELIVERED = (ACCEPT, START, TEST, HAND_OVER, ACCEPTED)

A, B = "A科技公司", "B制造企业"

DEMO_REQUIREMENTS: list[DemoRequirement] = [
    DemoRequirement(
        B, "希望生产数据能实时同步到ERP系统",
        "生产设备运行数据自动抓取并推送至ERP，减少人工录入错误",
        "月度盘点时数据延迟严重，影响财务核算", "“每个月盘点都要加班对数，数据还经常对不上。”",
        channel="interview", category="business", scores=(5, 4, 4, 4), urgency_class="urgent",
        tags=("功能优化",), moves=(ACCEPT, START),
    ),
    DemoRequirement(
        B, "定制化报表适配现有ERP系统",
        "财务与生产部门的报表口径需要与客户现有ERP一致，字段和汇总方式需定制",
        "客户已使用ERP多年，不愿调整既有报表格式", "“报表格式要跟我们ERP里的一模一样。”",
        channel="interview", type="custom", scores=(4, 3, 4, 5), tags=("定制需求",),
        moves=(ACCEPT, START, TEST),
    ),
    DemoRequirement(
        B, "生产数据实时同步ERP",
        "车间数据需要自动同步到ERP，避免月底手工补录",
        "电话回访时生产经理再次提到", channel="support_ticket", scores=(4, 4, 4, 4),
        moves=(("merged", "希望生产数据能实时同步到ERP系统"),),
    ),
    DemoRequirement(
        B, "希望供应商能提供行业案例参考",
        "客户决策周期较长，希望参考同行业客户的实施案例和效果数据",
        "客户管理层评估是否扩大采购范围", channel="interview", category="service",
        type="sales", scores=(3, 2, 3, 1), urgency_class="deferrable", moves=DELIVERED,
    ),
    DemoRequirement(
        B, "设备故障自动预警",
        "设备运行参数超出阈值时自动通知设备主管，减少非计划停机",
        "上月一台关键设备停机8小时", "“要是能提前预警就不会停这么久。”",
        channel="interview", nature="implicit", scores=(4, 4, 4, 3), urgency_class="urgent",
    ),
    DemoRequirement(
        A, "支持实时数据监控",
        "运营团队需要在大屏上实时查看各业务线核心指标，目前数据次日才更新，异常发现滞后；"
        "希望关键指标分钟级刷新并支持阈值告警",
        "拜访时采购总监张伟提出，竞品已支持实时监控；本季度内需要方案",
        "“我们现在出了问题第二天才知道。”", scores=(5, 4, 5, 4), urgency_class="urgent",
        tags=("功能优化",), moves=(ACCEPT, START),
    ),
    DemoRequirement(
        A, "API接口开放",
        "客户IT部门希望通过API把分析结果回写到自有BI系统，目前只能手工导出再导入；"
        "希望开放查询与回写接口并提供文档",
        "客户正在建设统一数据门户，接口是接入前提", "“能不能给我们开放接口，我们自己对接。”",
        scores=(4, 3, 4, 3), tags=("功能优化",), moves=(ACCEPT,),
    ),
    DemoRequirement(
        A, "报表支持Excel导出、自定义字段",
        "财务每月需要把分析报表导出给管理层，目前只能导出PDF且字段固定；希望导出Excel并自选字段",
        "月度经营分析会前需要手工整理报表", "“每次导出来还要重新排版。”",
        scores=(4, 3, 4, 2), moves=DELIVERED,
    ),
    DemoRequirement(
        A, "提升系统响应速度",
        "数据量超过千万行后查询明显变慢，复杂报表需要等待一分钟以上；希望常用报表三秒内打开",
        "客户反馈系统响应速度慢，需提升数据处理效率", "“打开一张报表要等一分钟。”",
        channel="complaint", category="experience", scores=(5, 4, 4, 4),
        urgency_class="urgent", tags=("紧急bug",), moves=(ACCEPT, START, TEST),
    ),
    DemoRequirement(
        A, "提供技术培训和运维手册",
        "客户担忧后期运维成本高，希望为系统管理员提供培训和运维手册",
        "新系统上线后客户内部运维人员不足", channel="sales_visit", category="service",
        type="service", scores=(3, 3, 4, 2), moves=(ACCEPT, START, TEST, HAND_OVER),
    ),
    DemoRequirement(
        A, "价格方案按用量阶梯计价",
        "客户希望按实际使用量阶梯计价，降低淡季成本",
        "客户提到竞品报价低10%，续约前需要新的报价方案", category="price", type="sales",
        scores=(3, 3, 4, 2), moves=(("needs_info", "请客户提供预计月用量和预算范围"),),
    ),
    DemoRequirement(
        A, "数据看板支持移动端查看",
        "管理层出差时需要在手机上查看数据看板，目前只能在电脑上打开",
        "客户高层在季度回访中提出", category="experience", nature="implicit",
        scores=(3, 2, 3, 3), urgency_class="deferrable",
    ),
    DemoRequirement(
        A, "报表导出提速，支持按部门筛选",
        "季度回访时客户对报表导出速度不满意，希望按部门筛选后再导出",
        "季度回访", channel="interview", category="experience", scores=(3, 3, 3, 2),
    ),
    DemoRequirement(
        "星辰网络科技有限公司", "审批流支持移动端签批",
        "审批人经常出差，希望在手机上完成签批并手写签名",
        "线上演示新版审批流时客户提出", "“领导出差一周，审批就卡一周。”",
        scores=(4, 4, 4, 3), moves=(
            ACCEPT, START, TEST, HAND_OVER,
            ("in_progress", "客户验收发现iOS端手写签名显示错位，退回修改"),
        ),
    ),
    DemoRequirement(
        "星辰网络科技有限公司", "对接企业微信消息通知",
        "待办事项通过企业微信推送，点击直接进入处理页面", "客户全员使用企业微信办公",
        scores=(3, 3, 4, 2), moves=DELIVERED,
    ),
    DemoRequirement(
        "云帆数据服务有限公司", "数据权限按部门隔离",
        "不同部门只能看到本部门的数据，管理层可以看全部", "上季度审计发现数据可见范围过大",
        category="business", scores=(5, 3, 4, 3), moves=(ACCEPT,),
    ),
    DemoRequirement(
        "云帆数据服务有限公司", "开放数据字典在线编辑",
        "希望在系统里直接维护数据字典并同步到客户的元数据平台", scores=(2, 2, 2, 4),
        moves=(("rejected", "与产品路线不符：数据字典由客户自有元数据平台统一维护"),),
    ),
    DemoRequirement(
        "华东精密制造股份有限公司", "质检记录支持扫码录入",
        "质检人员在产线上扫描工件二维码后直接录入检验结果，避免事后补录",
        "质检记录事后补录错误率高", channel="usage_data", scores=(4, 3, 4, 2),
        moves=(ACCEPT, START),
    ),
    DemoRequirement(
        "华东精密制造股份有限公司", "设备台账与MES系统对接",
        "设备台账需要与客户的MES系统双向同步", "客户新上线了MES系统", type="custom",
        scores=(4, 3, 4, 5), tags=("定制需求",),
        moves=(("needs_info", "请客户提供MES系统的接口文档和字段清单"),),
    ),
    DemoRequirement(
        "华东精密制造股份有限公司", "车间大屏展示实时产量",
        "车间大屏按产线展示当班产量和良品率", category="experience", scores=(3, 3, 3, 2),
    ),
    DemoRequirement(
        "鼎盛机械装备有限公司", "售后工单超时自动升级",
        "售后工单超过24小时未处理自动升级给主管，并通知客户处理进度",
        "客户反映售后响应慢，超过24小时未解决", "“报修两天了还没人联系我们。”",
        channel="complaint", category="service", type="service", scores=(5, 5, 4, 2),
        urgency_class="urgent", tags=("紧急bug",), moves=(ACCEPT, START),
    ),
    DemoRequirement(
        "鼎盛机械装备有限公司", "备件价格按年度框架协议执行",
        "希望系统里的备件价格自动按年度框架协议折扣计算", category="price", type="sales",
        scores=(2, 3, 3, 2),
        moves=(("out_of_scope", "价格政策由商务部门统一制定，不在系统需求范围内，已告知客户"),),
    ),
    DemoRequirement(
        "绿源新材料科技有限公司", "采购单支持多级审批",
        "采购金额超过阈值时需要部门经理和总经理两级审批", channel="questionnaire",
        category="business", scores=(3, 2, 2, 2), urgency_class="deferrable",
    ),
    DemoRequirement(
        "优品连锁超市有限公司", "门店销售数据按小时汇总",
        "区域经理需要按小时对比各门店销售情况，及时调整促销", scores=(4, 4, 5, 2),
        moves=DELIVERED,
    ),
    DemoRequirement(
        "优品连锁超市有限公司", "会员积分与小程序打通",
        "会员在小程序里查看和使用积分，门店与线上积分统一", channel="competitor_analysis",
        category="business", scores=(4, 3, 5, 4), moves=(ACCEPT, START, TEST),
    ),
    DemoRequirement(
        "优品连锁超市有限公司", "促销活动效果分析报表",
        "活动结束后自动生成销量、毛利和客流对比报表", channel="usage_data",
        nature="implicit", scores=(3, 2, 4, 3),
    ),
    DemoRequirement(
        "悦享生活百货有限公司", "电商订单与门店库存实时同步",
        "线上下单后门店库存实时扣减，避免超卖", "近期多次因超卖被投诉",
        channel="complaint", category="business", scores=(5, 4, 4, 4), urgency_class="urgent",
        moves=(ACCEPT,),
    ),
    DemoRequirement(
        "悦享生活百货有限公司", "退货流程缩短到三步以内",
        "顾客退货需要填写的信息太多，希望简化到三步以内", category="experience",
        scores=(3, 3, 3, 2),
        moves=(
            ("out_of_scope", "退货规则由客户门店政策决定，暂不在系统内调整，已告知客户"),
            ("new", "客户补充了退货量数据，重新评估"),
        ),
    ),
    DemoRequirement(
        "汇通金融服务有限公司", "风控报表支持自定义字段",
        "风控部门需要自选指标组合报表，满足不同监管口径", scores=(4, 3, 5, 3),
        moves=DELIVERED,
    ),
    DemoRequirement(
        "汇通金融服务有限公司", "操作日志保留三年以满足审计",
        "所有关键操作需要留痕并保留三年，支持按人员和时间查询", "新的行业监管要求即将实施",
        category="business", nature="implicit", scores=(5, 4, 4, 3), moves=(ACCEPT, START),
    ),
    DemoRequirement(
        "安信保险经纪有限公司", "客服工单自动分派",
        "根据险种和客服技能自动分派工单，减少人工调度", category="service",
        type="service", scores=(3, 3, 3, 3),
        moves=(
            ("needs_info", "请客户说明现有分派规则和客服分组"),
            ("new", "客户已补充分派规则"),
        ),
    ),
    DemoRequirement(
        "仁和医疗集团", "多院区数据统一汇总",
        "集团需要统一汇总各院区的门诊量、收入和床位使用率", "集团推进数字化转型",
        category="business", type="custom", scores=(5, 3, 5, 5), tags=("定制需求",),
        moves=(ACCEPT,),
    ),
    DemoRequirement(
        "仁和医疗集团", "系统满足等保三级要求",
        "客户信息科要求系统通过网络安全等级保护三级测评", category="business",
        nature="implicit", scores=(5, 4, 4, 4), moves=(ACCEPT, START, TEST),
    ),
    DemoRequirement(
        "康宁医疗器械有限公司", "医疗器械追溯码批量导入",
        "批量导入器械追溯码并与出入库单关联", scores=(3, 2, 2, 3),
        moves=(("rejected", "客户已终止合作，需求不再跟进"),),
    ),
    DemoRequirement(
        "启明教育科技有限公司", "课程报表支持按班级筛选",
        "教研需要按班级和学科查看课程完成率", scores=(3, 3, 3, 1), moves=DELIVERED,
    ),
    DemoRequirement(
        "启明教育科技有限公司", "家长端消息推送",
        "作业和考试成绩发布后自动推送给家长", channel="questionnaire",
        category="experience", scores=(3, 2, 4, 3), urgency_class="deferrable",
    ),
    DemoRequirement(
        "博学职业培训学校", "学员考勤数据导出Excel",
        "教务每月导出学员考勤用于补贴申报", scores=(3, 4, 2, 1),
        moves=(ACCEPT, START, TEST, HAND_OVER),
    ),
    DemoRequirement(
        "顺达物流有限公司", "物流轨迹实时推送给客户",
        "货物在途状态变化时自动推送给收货方，减少客服查询电话", "客服每天接到大量查件电话",
        channel="support_ticket", scores=(4, 4, 4, 3), urgency_class="urgent",
        moves=(ACCEPT, START),
    ),
    DemoRequirement(
        "顺达物流有限公司", "调度单支持批量导入",
        "调度中心每天从表格批量导入数百条调度单", channel="usage_data", scores=(4, 3, 3, 2),
        moves=(ACCEPT,),
    ),
    DemoRequirement(
        "顺达物流有限公司", "物流轨迹推送给收货方",
        "收货方希望收到在途状态提醒", channel="support_ticket", scores=(4, 3, 4, 3),
        moves=(("merged", "物流轨迹实时推送给客户"),),
    ),
]  # fmt: skip


def _assignment_rules(users: dict[str, User]) -> None:
    pm, cs, dev = users["pm"], users["cs"], users["dev"]
    rules = {
        "function": (pm, dev), "service": (cs, dev), "sales": (users["sales1"], pm),
        "custom": (pm, dev),
    }  # fmt: skip
    existing = set(AssignmentRule.objects.values_list("type", flat=True))
    for type_, (owner, collaborator) in rules.items():
        if type_ not in existing:
            services.assignment_rule_set(
                actor=pm, type=type_, owner=owner, collaborator=collaborator
            )


def _apply_moves(item: DemoRequirement, req: Requirement, users: dict[str, User]) -> None:
    pm = users["pm"]
    for target, detail in item.moves:
        if target == "merged":
            into = (
                Requirement.objects.filter(customer=req.customer, title=detail)
                .exclude(status="merged")
                .order_by("id")
                .first()
            )
            if into is None:
                continue
            services.requirement_merge(
                actor=pm, requirement=req, into=into,
                reason=f"与{into.number}是同一诉求（{into.title}），合并跟进",
            )  # fmt: skip
            continue
        # The customer's own moves (acceptance, answers) are recorded by its sales rep.
        actor = req.customer.owner if req.status == "awaiting_acceptance" else pm
        req = services.requirement_transition(
            actor=actor, requirement=req, to=target, reason=detail
        )


def seed_requirements(users: dict[str, User]) -> int:
    """Create the demo requirements that are not there yet; return how many were created.

    One is there when its customer already has a requirement with its title. Customers that
    do not exist (deleted demo customers) are skipped.
    """
    _assignment_rules(users)
    names = {d.customer for d in DEMO_REQUIREMENTS}
    customers = {
        c.name: c
        for c in Customer.objects.filter(name__in=names).select_related("owner").order_by("id")
    }
    created = 0
    for item in DEMO_REQUIREMENTS:
        customer = customers.get(item.customer)
        if customer is None:
            continue
        if Requirement.objects.filter(customer=customer, title=item.title).exists():
            continue
        importance, urgency, value, difficulty = item.scores
        req, _code = services.requirement_create(
            actor=customer.owner, customer=customer, tags=list(item.tags),
            contact=customer.contacts.order_by("id").first(), channel=item.channel,
            title=item.title, description=item.description, background=item.background,
            evidence=item.evidence, category=item.category, nature=item.nature, type=item.type,
            importance=importance, urgency=urgency, customer_value=value, difficulty=difficulty,
            urgency_class=item.urgency_class,
        )  # fmt: skip
        _apply_moves(item, req, users)
        created += 1
    return created
