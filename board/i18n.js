// Chinese and English labels. Elements carry data-i18n (text) or data-i18n-label
// (aria-label) or data-i18n-placeholder; t(key) for text made in code.
const dict = {
  en: {
    title: "Field service board",
    tabDay: "Day", tabFaults: "Faults", tabPlanner: "Planner", tabManager: "Manager",
    language: "Language", logout: "Log out", role: "Role",
    tokenLabel: "Access token", tokenHelp: "Paste a token from `fieldplan token create`. It is kept for this tab only.",
    login: "Open the board", badToken: "This token is not accepted.",
    date: "Day", version: "Version", optimise: "Optimise the day", noPlan: "No plan published for this day.",
    engineers: "Engineers", map: "Map of sites and routes", unassigned: "Unassigned tasks",
    task: "Task", kind: "Kind", site: "Site", reason: "Reason", detail: "Detail",
    moveTitle: "Move a visit", moveTask: "Task", moveTo: "To engineer", move: "Move",
    moved: "Moved; new plan version", refused: "Move refused",
    live: "live", offline: "reconnecting",
    inspection: "Inspection", onSiteCallback: "Callback", faultRepair: "Fault repair",
    lunch: "Lunch", overtime: "Overtime", travel: "Travel", deadline: "Deadline", team: "Team of", customerService: "customer service", late: "Late or at risk",
    legend: "Legend",
    reportFault: "Report a fault", siteId: "Site", deviceId: "Device", level: "Level",
    reportedAt: "Reported at", description: "Description", report: "Report",
    level1: "1 – system down", level2: "2 – severe", level3: "3 – degraded", level4: "4 – intermittent",
    faultRecorded: "Fault recorded", engineer: "Engineer", eta: "ETA", deadlines: "SLA deadlines",
    notPlanned: "Not planned", recommendations: "Recommendations", rank: "Rank",
    start: "Start", deadlineMet: "Deadline met", cost: "Cost", displaced: "Displaces",
    choose: "Choose", chosen: "Chosen", yes: "yes", no: "no", none: "none",
    openFaults: "Open faults", milestone: "Milestone", status: "Status", record: "Record",
    event: "Event", partNumber: "Part number", confirmedBy: "Confirmed by", escalateTo: "Escalate to",
    escalateReason: "Reason", noOpenFaults: "No open faults.", overdue: "overdue",
    roster: "Roster", from: "From", to: "To", build: "Build roster", building: "Building…",
    publish: "Publish", published: "Published", kpis: "KPIs", calendar: "Calendar feed",
    download: "Download", visits: "visits",
    sweep: "Staffing sweep", headcount: "Headcount", staff: "Headcounts (comma separated)", reps: "Replications",
    days: "Days", seed: "Seed", policy: "Policy", startSweep: "Start sweep", progress: "Progress",
    smallest: "Smallest headcount meeting the target", noneMeets: "No headcount meets the target",
    chart: "Sweep chart", cancel: "Cancel",
    error: "Error", busy: "Working…",
  },
  zh: {
    title: "现场服务调度看板",
    tabDay: "日计划", tabFaults: "故障", tabPlanner: "排班", tabManager: "管理",
    language: "语言", logout: "退出", role: "角色",
    tokenLabel: "访问令牌", tokenHelp: "粘贴 `fieldplan token create` 生成的令牌，仅在本标签页保存。",
    login: "打开看板", badToken: "令牌无效。",
    date: "日期", version: "版本", optimise: "优化当天计划", noPlan: "当天没有已发布的计划。",
    engineers: "工程师", map: "站点与路线地图", unassigned: "未分配任务",
    task: "任务", kind: "类型", site: "站点", reason: "原因", detail: "说明",
    moveTitle: "调整上门任务", moveTask: "任务", moveTo: "改派给", move: "调整",
    moved: "已调整；新计划版本", refused: "调整被拒绝",
    live: "实时", offline: "重新连接中",
    inspection: "巡检", onSiteCallback: "上门回访", faultRepair: "故障维修",
    lunch: "午餐", overtime: "加班", travel: "路程", deadline: "时限", team: "人数", customerService: "客服", late: "迟到或有风险",
    legend: "图例",
    reportFault: "报告故障", siteId: "站点", deviceId: "设备", level: "等级",
    reportedAt: "报告时间", description: "描述", report: "提交",
    level1: "1 – 系统停机", level2: "2 – 严重", level3: "3 – 性能下降", level4: "4 – 间歇性",
    faultRecorded: "故障已记录", engineer: "工程师", eta: "预计到达", deadlines: "SLA 时限",
    notPlanned: "未排入计划", recommendations: "推荐人选", rank: "排名",
    start: "开始", deadlineMet: "满足时限", cost: "成本", displaced: "挤出任务",
    choose: "选择", chosen: "已选择", yes: "是", no: "否", none: "无",
    openFaults: "未关闭故障", milestone: "节点", status: "状态", record: "记录",
    event: "事件", partNumber: "备件号", confirmedBy: "确认人", escalateTo: "升级至",
    escalateReason: "原因", noOpenFaults: "没有未关闭的故障。", overdue: "已超时",
    roster: "排班表", from: "开始日期", to: "结束日期", build: "生成排班", building: "生成中…",
    publish: "发布", published: "已发布", kpis: "指标", calendar: "日历订阅",
    download: "下载", visits: "次上门",
    sweep: "人员配置模拟", headcount: "人数", staff: "人数（逗号分隔）", reps: "重复次数",
    days: "天数", seed: "随机种子", policy: "策略", startSweep: "开始模拟", progress: "进度",
    smallest: "满足目标的最少人数", noneMeets: "没有满足目标的人数",
    chart: "模拟图表", cancel: "取消",
    error: "错误", busy: "处理中…",
  },
};

const LANG_KEY = "fieldplan.lang";
let lang = localStorage.getItem(LANG_KEY) === "zh" ? "zh" : "en";

export const language = () => lang;

export function t(key) {
  return dict[lang][key] ?? dict.en[key] ?? key;
}

export function setLanguage(l) {
  lang = l === "zh" ? "zh" : "en";
  localStorage.setItem(LANG_KEY, lang);
  apply(document);
}

// A name object {en, zh} (or a string) in the current language.
export function name(n) {
  if (!n) return "";
  if (typeof n === "string") return n;
  return n[lang] || n.en || "";
}

export function apply(root) {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.title = t("title");
}
