"""The board in a real browser (headless Chromium): log in, the day's rows, a level-1 fault
through the form, a recommendation chosen, plan versions arriving without a reload, a visit
dragged to another engineer, the planner's and the manager's pages. Screenshots go to
bench-out/board/."""

from conftest import DAY, SHOTS


def version_of(page):
    return int(page.locator("#plan-version").get_attribute("data-version") or 0)


def wait_version(page, n, timeout=30000):
    page.wait_for_function(
        "n => Number(document.querySelector('#plan-version').dataset.version || 0) >= n",
        arg=n, timeout=timeout)


def test_dispatcher_day_faults_and_moves(server, page_for):
    page = page_for("dispatcher")
    # No plan yet: the dispatcher optimises the day from the board.
    page.wait_for_selector("#no-plan:not([hidden])")
    page.get_by_role("button", name="Optimise the day").click()
    wait_version(page, 1)
    plan = server.api("GET", f"/v1/plans/{DAY}")["plan"]
    on_duty = {r["engineer"] for r in plan["routes"]}
    page.wait_for_selector("[data-engineer-id]")
    rows = page.eval_on_selector_all(".vis-label [data-engineer-id]", "es => es.map(e => e.dataset.engineerId)")
    assert sorted(rows) == sorted(on_duty)
    # vis-timeline draws the items of the rows in view: each drawn stop is on its engineer's row.
    # A two-person visit is a stop on each person's row, told apart by its member number.
    drawn = page.eval_on_selector_all(
        ".vis-item [data-task-id]",
        "es => es.map(e => [e.dataset.taskId, Number(e.dataset.member || 0), e.dataset.engineerId])")
    planned = {(s["task"], s.get("member", 0)): r["engineer"]
               for r in plan["routes"] for s in r["stops"] if "stopKind" not in s}
    assert len(drawn) > 20
    assert all(planned[(t, m)] == e for t, m, e in drawn)
    page.evaluate("window.__noReload = true")
    page.screenshot(path=str(SHOTS / "day.png"))

    # A version published elsewhere arrives through /v1/events.
    v = server.api("POST", "/v1/plans", body={"date": DAY, "timeLimitMs": 500, "seed": 3})["version"]
    wait_version(page, v)

    # Roles: the dispatcher has no planner or manager page.
    assert page.get_by_role("button", name="Planner").is_hidden()
    assert page.get_by_role("button", name="Manager").is_hidden()

    report_fault_and_choose(server, page)
    drag_a_visit(server, page)
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"


def fault_task(server, fault_id):
    plan = server.api("GET", f"/v1/plans/{DAY}")["plan"]
    status = next(f for f in plan["faults"] if f["fault"] == fault_id)
    return status["task"], status.get("engineer")


def report_fault_and_choose(server, page):
    page.get_by_role("button", name="Faults").click()
    form = page.locator("#fault-form")
    form.locator("[name=siteId]").fill("S-0001")
    form.locator("[name=siteId]").press("Tab")
    page.wait_for_selector('#fault-form [name=deviceId] option[value="D-0001"]', state="attached")
    form.locator("[name=deviceId]").select_option("D-0001")
    form.locator("[name=level]").select_option("1")
    assert form.locator("[name=reportedAt]").input_value().startswith(DAY + "T09:")
    before = version_of(page)
    form.get_by_role("button", name="Report").click()
    page.wait_for_selector("#recommendations tbody tr")
    page.screenshot(path=str(SHOTS / "fault.png"))
    # The re-plan's version arrives through /v1/events.
    wait_version(page, before + 1)
    fault_id = page.locator("#fault-summary dd").first.inner_text().split(" ")[0]
    task, assigned = fault_task(server, fault_id)
    rows = page.locator("#recommendations tbody tr")
    other = [rows.nth(i).get_attribute("data-engineer-id") for i in range(rows.count())]
    other = [e for e in other if e != assigned]
    assert other, "a recommendation other than the engineer already sent"
    row = page.locator(f'#recommendations tbody tr[data-engineer-id="{other[0]}"]')
    row.get_by_role("button", name="Choose").click()
    wait_version(page, before + 2)
    page.wait_for_selector(f'#recommendations tr[data-engineer-id="{other[0]}"] button:text("Chosen")')
    assert fault_task(server, fault_id)[1] == other[0]
    # The open fault with a live SLA clock per milestone; its response recorded with a button.
    row = page.locator(f'#open-faults [data-fault-id="{fault_id}"]')
    row.locator(".clock").first.wait_for()
    row.locator("select[name=kind]").select_option("responded")
    row.get_by_role("button", name="Record").click()
    for _ in range(50):
        kinds = [e["kind"] for e in server.api("GET", f"/v1/faults/{fault_id}")["events"]]
        if "responded" in kinds:
            break
        page.wait_for_timeout(100)
    assert kinds == ["responded"], kinds


def settled_box(page, locator):
    """The locator's box once the timeline has finished redrawing (two reads 200 ms apart agree)."""
    box = locator.bounding_box()
    for _ in range(50):
        page.wait_for_timeout(200)
        again = locator.bounding_box()
        if again == box:
            return box
        box = again
    raise AssertionError(f"the timeline did not settle: {box}")


def drag_a_visit(server, page):
    page.get_by_role("button", name="Day").click()
    plan = server.api("GET", f"/v1/plans/{DAY}")["plan"]
    # Customer-service staff have no skills (and take no visit of their own).
    skills = {e["id"]: e.get("skills", []) for e in server.api("GET", "/v1/engineers?limit=500")["items"]}
    routes = plan["routes"][:6]  # rows on screen without scrolling
    # Per visit, the least busy other engineer on screen who has the skill (a full day takes no
    # more visits).
    targets = {}
    for r in routes:
        for s in r["stops"]:
            if s["kind"] != "inspection" or s["status"] != "planned" or "stopKind" in s:
                continue
            for o in routes:
                busy = o["kpis"]["serviceSeconds"]
                if o["engineer"] != r["engineer"] and s["family"] in skills[o["engineer"]] \
                        and (s["task"] not in targets or busy < targets[s["task"]][1]):
                    targets[s["task"]] = (o["engineer"], busy)
    # The widest drawn visit: a visit of a few minutes is an item two pixels wide, too narrow
    # to grab reliably.
    task, target, widest = None, None, 0
    for t, (o, _) in sorted(targets.items()):
        b = page.locator(f'.vis-item:has([data-task-id="{t}"])').bounding_box()
        if b and b["width"] > widest:
            task, target, widest = t, o, b["width"]
    assert task, "a visit another engineer on screen could do"
    # The plan versions of the fault arrived while the day page was hidden: shown again, the
    # day is drawn to the page's width, not squeezed.
    assert widest > 20, f"the widest visit drawn {widest} px wide"
    before = version_of(page)
    source = next(r["engineer"] for r in routes for s in r["stops"] if s.get("task") == task)
    item = page.locator(f'.vis-item:has([data-task-id="{task}"])')
    box = settled_box(page, item)
    # vis-timeline takes the drop row as the row under the pointer, shifted by the offset between
    # the row under the pointer when the drag starts and the item's own row. So the drag starts
    # where the item and its row's band overlap, and a first, horizontal step starts the pan
    # (threshold 5 px) there.
    band = page.locator(f'.vis-label [data-engineer-id="{source}"]').bounding_box()
    band_top, band_bottom = band["y"] - 4, band["y"] + band["height"] + 4
    top, bottom = max(box["y"], band_top), min(box["y"] + box["height"], band_bottom)
    assert top < bottom, f"item {box} drawn outside its row {band}"
    x, y = box["x"] + box["width"] / 2, (top + bottom) / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 8, y)
    page.wait_for_timeout(100)
    # Rows restack while an item is dragged out of one, so the target row is measured again
    # before each step; the last move lands before the drop.
    for _ in range(4):
        row = page.locator(f'.vis-label [data-engineer-id="{target}"]').bounding_box()
        page.mouse.move(x + 8, row["y"] + row["height"] / 2, steps=6)
        page.wait_for_timeout(150)
    page.mouse.up()
    # The drop either re-plans (a new version) or is refused with a toast saying why.
    page.wait_for_function(
        """n => Number(document.querySelector('#plan-version').dataset.version || 0) >= n
              || document.querySelector('#toast.bad.show')""", arg=before + 1, timeout=30000)
    refusal = page.locator("#toast.bad.show")
    assert refusal.count() == 0, f"moving {task} from {source} to {target}: {refusal.inner_text()}"
    moved = page.locator(f'.vis-item [data-task-id="{task}"]')
    assert moved.get_attribute("data-engineer-id") == target
    assert version_of(page) == before + 1
    page.screenshot(path=str(SHOTS / "moved.png"))


def test_planner_builds_and_publishes_a_roster(page_for):
    page = page_for("planner")
    assert page.get_by_role("button", name="Faults").is_hidden()
    page.get_by_role("button", name="Planner").click()
    page.get_by_role("button", name="Build roster").click()
    page.wait_for_selector("#roster-calendar tbody tr[data-engineer-id]", timeout=90000)
    assert page.locator("#roster-kpis dt").count() > 5
    page.get_by_role("button", name="Publish").click()
    page.wait_for_function("() => document.querySelector('#roster-status').textContent.includes('Published')")
    assert page.locator("#roster-calendar code").first.inner_text().endswith("/calendar.ics")
    page.screenshot(path=str(SHOTS / "planner.png"))


def test_manager_runs_a_staffing_sweep(page_for):
    page = page_for("manager")
    assert page.locator("#optimise").is_hidden()
    page.get_by_role("button", name="Manager").click()
    form = page.locator("#sweep-form")
    form.locator("[name=staff]").fill("3, 6")
    form.locator("[name=reps]").fill("1")
    form.locator("[name=days]").fill("1")
    form.get_by_role("button", name="Start sweep").click()
    page.wait_for_selector("#sweep-chart:not([hidden])", timeout=120000)
    assert page.locator("#sweep-smallest").inner_text()
    assert page.locator("#sweep-levels tr[data-headcount]").count() == 2
    page.screenshot(path=str(SHOTS / "manager.png"))


def test_labels_switch_to_chinese(page_for):
    page = page_for("viewer")
    page.get_by_label("Language").select_option("zh")
    assert page.locator("#tabs button[data-tab=day]").inner_text() == "日计划"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_label("语言").select_option("en")
