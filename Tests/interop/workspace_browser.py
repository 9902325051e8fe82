#!/usr/bin/env python3
"""The auditor's workspace in a real browser: headless Chromium (Debian's chromium and
chromium-driver, driven by selenium) presents the demo auditor's client certificate from the
PKCS#12 file the demo writes, imported into an NSS database with pk12util; Chromium's
AutoSelectCertificateForUrls policy picks it without a prompt.

    workspace_browser.py check URL P12 PASSWORD CA OUT PAGE...      every entry verifies
    workspace_browser.py tampered URL P12 PASSWORD CA OUT PAGE INDEX  that entry fails, the rest verify
    workspace_browser.py forged URL P12 PASSWORD CA OUT PAGE...     the browser's kept tree head is replaced
                                                                    by one with another root: the page fails
    workspace_browser.py keyboard URL P12 PASSWORD CA OUT NHS PAGE... with the keyboard alone: find the child
                                                                    with NHS number NHS, open a message's detail

Each PAGE is a path such as /workspace/subject?nhsNumber=9990001006. For each page it waits for
the page's own verification, checks every entry's verdict, that the browser console holds no
error, that axe-core 4.9 (bundled by selenium-axe-python) finds no violation of WCAG 2.0, 2.1 or
2.2 at level A or AA nor of its best practices, that nothing scrolls sideways at 320 px, and
saves a screenshot (and for the first page a PDF as printed) in OUT. The browser profile is kept
in OUT, so a second run is a second visit (the last tree head verified is in its localStorage).
Prints a JSON summary; exit 1 on failure.

The keyboard mode presses Tab through each PAGE, at 1280 and at 320 px wide, and checks that
every element that can take focus gets it, in the order of the document (no positive tabindex;
at 320 px, where the page is one column, never back up the page), that each shows a focus
indicator (an outline or a box shadow), and that it is in view and not covered. Then, from the
top of the search page, with Tab and Enter only: the "Skip to content" link comes first and
leads into the form, the NHS number is typed and the form sent, and on the subject timeline Tab
reaches the first "Message detail" link, whose Enter opens that message's page. The order
Tab took on each page and the steps are left in OUT/keyboard.json.
"""
import base64
import json
import os
import pathlib
import re
import subprocess
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from selenium_axe_python import Axe

# Every WCAG 2.0, 2.1 and 2.2 rule at levels A and AA that axe-core 4.9 has, and its best practices.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}

POLICY_FILE = pathlib.Path("/etc/chromium/policies/managed/sharebroker-workspace-tests.json")
POLICY = {"AutoSelectCertificateForUrls": [
    json.dumps({"pattern": "https://127.0.0.1:*", "filter": {"ISSUER": {"CN": "Northshire Dev CA"}}})]}


def fail(message):
    print(json.dumps({"failed": message}))
    sys.exit(1)


def ensure_policy():
    """Chromium reads managed policies only from this system folder; scripts/test writes it."""
    if POLICY_FILE.exists() and json.loads(POLICY_FILE.read_text()) == POLICY:
        return
    try:
        POLICY_FILE.parent.mkdir(parents=True, exist_ok=True)
        POLICY_FILE.write_text(json.dumps(POLICY))
    except OSError as error:
        fail(f"cannot write {POLICY_FILE} ({error}); run scripts/test, which writes it")


def prepare_home(home, p12, password, ca):
    """An NSS database in HOME/.pki/nssdb (where Chromium on Linux looks) with the auditor's
    certificate and key from the PKCS#12 file, and the demo CA trusted for websites."""
    nssdb = home / ".pki" / "nssdb"
    if (nssdb / "cert9.db").exists():
        return
    nssdb.mkdir(parents=True, exist_ok=True)
    database = "sql:" + str(nssdb)
    for command in (["certutil", "-N", "-d", database, "--empty-password"],
                    ["pk12util", "-i", p12, "-d", database, "-W", password],
                    ["certutil", "-A", "-n", "Northshire Dev CA", "-t", "C,,", "-i", ca, "-d", database]):
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"{command[0]} failed: {result.stderr.strip()}")


def open_browser(out):
    home = out / "home"
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--user-data-dir={out / 'profile'}", "--window-size=1280,1000", "--lang=en-GB"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service("/usr/bin/chromedriver", env={**os.environ, "HOME": str(home)})
    return webdriver.Chrome(options=options, service=service)


def visit(driver, url, name, out):
    driver.set_window_size(1280, 1000)
    driver.get(url)
    WebDriverWait(driver, 60).until(
        lambda d: d.execute_script("return document.body && document.body.dataset.verification === 'done'"))
    verdicts = [(int(item.get_attribute("data-index")), item.find_element(By.CSS_SELECTOR, ".verdict").get_attribute("data-verdict"))
                for item in driver.find_elements(By.CSS_SELECTOR, "li.entry")]
    page = driver.find_element(By.ID, "verification").get_attribute("data-verdict")
    axe = Axe(driver)
    axe.inject()
    checked = axe.run(options=AXE_OPTIONS)
    engine = checked["testEngine"]["version"]
    accessibility = [f"{violation['id']}: {violation['help']} ({', '.join(t for node in violation['nodes'] for t in node['target'])})"
                     for violation in checked["violations"]]
    status = driver.find_element(By.ID, "verification").text
    driver.save_screenshot(str(out / f"{name}.png"))
    driver.set_window_size(320, 900)
    sideways = driver.execute_script("return document.documentElement.scrollWidth > document.documentElement.clientWidth")
    driver.save_screenshot(str(out / f"{name}-320px.png"))
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    return {"page": page, "accessibility": accessibility, "axeCore": engine, "verdicts": verdicts, "errors": errors, "sideways": sideways, "status": status,
            "text": driver.find_element(By.TAG_NAME, "body").text}


# The element that has focus: where it is in the document, whether a focus indicator shows,
# whether it is in view with its outline, and not covered by anything else. Null when nothing on
# the page has focus.
FOCUSED_JS = """
    const element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) return null;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    const outline = style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth) + Math.max(0, parseFloat(style.outlineOffset));
    return {
      position: Array.from(document.querySelectorAll("*")).indexOf(element),
      name: element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") + " "
        + (element.textContent || element.getAttribute("name") || "").trim().replace(/\\s+/g, " ").slice(0, 40),
      href: element.getAttribute("href"),
      indicator: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 && style.outlineColor !== "rgba(0, 0, 0, 0)")
        || style.boxShadow !== "none",
      inView: box.width > 0 && box.height > 0 && box.top - outline >= 0 && box.left - outline >= 0
        && box.bottom + outline <= document.documentElement.clientHeight && box.right + outline <= document.documentElement.clientWidth,
      uncovered: hit !== null && element.contains(hit),
      top: box.top + scrollY, left: box.left + scrollX,
    };
"""

# What Tab should reach, in document order: every link, control and tabindex that is shown and
# enabled; and any positive tabindex, which would take focus out of the document's order.
TABBABLE_JS = """
    const all = Array.from(document.querySelectorAll("*"));
    const candidates = Array.from(document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]"));
    return {
      positions: candidates.filter((e) => !e.disabled && e.type !== "hidden" && e.tabIndex >= 0 && e.getClientRects().length > 0
        && getComputedStyle(e).visibility !== "hidden").map((e) => all.indexOf(e)),
      positive: candidates.filter((e) => e.tabIndex > 0).map((e) => e.outerHTML.slice(0, 80)),
    };
"""


def press(driver, *keys):
    ActionChains(driver).send_keys(*keys).perform()


def focus_problems(focused, where):
    """What is wrong with one focused element: no indicator, out of view, or covered."""
    problems = []
    if not focused["indicator"]:
        problems.append(f"{where}: {focused['name']} shows no focus indicator")
    if not focused["inView"]:
        problems.append(f"{where}: {focused['name']} is out of view when focused")
    if not focused["uncovered"]:
        problems.append(f"{where}: {focused['name']} is covered when focused")
    return problems


def tab_through(driver, url, width):
    """Tabs from the top of the page to its end; returns the names in focus order and the problems.
    A date field takes several presses (day, month, year, its calendar button): it counts once."""
    driver.set_window_size(width, 900)
    driver.get(url)
    WebDriverWait(driver, 60).until(
        lambda d: d.execute_script("return document.body && document.body.dataset.verification === 'done'"))
    expected = driver.execute_script(TABBABLE_JS)
    where = f"{url.split('/', 3)[-1]} at {width} px"
    problems = [f"{where}: positive tabindex on {html}" for html in expected["positive"]]
    reached = []
    for _ in range(4 * len(expected["positions"]) + 1):
        press(driver, Keys.TAB)
        focused = driver.execute_script(FOCUSED_JS)
        if focused is None or (reached and focused["position"] == reached[0]["position"]):
            break
        problems += focus_problems(focused, where)
        if not reached or focused["position"] != reached[-1]["position"]:
            reached.append(focused)
    if [focused["position"] for focused in reached] != expected["positions"]:
        problems.append(f"{where}: Tab reached {[focused['name'] for focused in reached]}, "
                        f"not every focusable element in the document's order ({len(expected['positions'])})")
    if width <= 320:
        for before, after in zip(reached, reached[1:]):
            if after["top"] < before["top"] - 2 or (abs(after["top"] - before["top"]) <= 2 and after["left"] < before["left"]):
                problems.append(f"{where}: focus goes back up the page from {before['name']} to {after['name']}")
    return [focused["name"] for focused in reached], problems


def tab_until(driver, wanted, where, limit=60):
    """Presses Tab until the focused element matches `wanted`; the problems of each element passed."""
    problems = []
    for _ in range(limit):
        press(driver, Keys.TAB)
        focused = driver.execute_script(FOCUSED_JS)
        if focused is None:
            continue
        problems += focus_problems(focused, where)
        if wanted(focused):
            return focused, problems
    return None, problems + [f"{where}: Tab never reached the element wanted"]


def loaded(driver, path):
    WebDriverWait(driver, 60).until(
        lambda d: path in d.current_url and d.execute_script("return document.body.dataset.verification === 'done'"))


def find_and_open_by_keyboard(driver, url, nhs_number, out):
    """From the top of the search page with Tab, typing and Enter only: skip to the form, find the
    child, reach the first message's detail link and open it. Returns the steps and the problems."""
    driver.set_window_size(1280, 1000)
    driver.get(url + "/workspace")
    loaded(driver, "/workspace")
    steps, problems = [], []
    press(driver, Keys.TAB)
    skip = driver.execute_script(FOCUSED_JS)
    if skip is None or not skip["name"].endswith("Skip to content"):
        return steps, [f"the first Tab reaches {skip and skip['name']}, not the skip link"]
    problems += focus_problems(skip, "skip link")
    steps.append(skip["name"])
    press(driver, Keys.ENTER)
    press(driver, Keys.TAB)
    field = driver.execute_script(FOCUSED_JS)
    if field is None or not field["name"].startswith("input#nhsNumber"):
        return steps, problems + [f"after the skip link, Tab reaches {field and field['name']}, not the NHS number field"]
    steps.append(field["name"])
    press(driver, nhs_number)
    button, passed = tab_until(driver, lambda focused: focused["name"].startswith("button"), "find form")
    problems += passed
    if button is None:
        return steps, problems
    steps.append(button["name"])
    press(driver, Keys.ENTER)
    loaded(driver, "/workspace/subject")
    steps.append(driver.current_url.split("/", 3)[-1])
    driver.save_screenshot(str(out / "keyboard-1-subject.png"))
    link, passed = tab_until(driver, lambda focused: "/workspace/messages/" in (focused["href"] or ""), "subject timeline")
    problems += passed
    if link is None:
        return steps, problems
    steps.append(link["name"])
    press(driver, Keys.ENTER)
    loaded(driver, link["href"])
    steps.append(driver.current_url.split("/", 3)[-1])
    driver.save_screenshot(str(out / "keyboard-2-message.png"))
    return steps, problems


def keyboard(driver, url, nhs_number, pages, out):
    summary, problems = {"focusOrder": {}}, []
    for path in pages:
        for width in (1280, 320):
            order, found = tab_through(driver, url + path, width)
            summary["focusOrder"][f"{path} at {width} px"] = order
            problems += found
    summary["steps"], found = find_and_open_by_keyboard(driver, url, nhs_number, out)
    summary["opened"] = summary["steps"][-1] if summary["steps"] else None
    return summary, problems + found


def forge_kept_head(driver, url, out):
    """Visits the workspace (which keeps the tree head it verifies), then puts in its place a head
    of the same size with another root, as a log rewritten behind the browser's back would look."""
    visit(driver, url + "/workspace", "forged-0-workspace", out)
    driver.execute_script("""
        const key = "sharebroker.treeHead." + location.host;
        const kept = JSON.parse(localStorage.getItem(key));
        kept.rootHash = btoa(String.fromCharCode(...new Uint8Array(32)));
        localStorage.setItem(key, JSON.stringify(kept));""")


def main():
    mode, url, p12, password, ca, out = sys.argv[1:7]
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rest = sys.argv[7:]
    tampered_index = int(rest.pop()) if mode == "tampered" else None
    ensure_policy()
    prepare_home(out / "home", p12, password, ca)
    driver = open_browser(out)
    if mode == "keyboard":
        try:
            summary, problems = keyboard(driver, url, rest[0], rest[1:], out)
        finally:
            driver.quit()
        (out / "keyboard.json").write_text(json.dumps(summary, indent=1))
        print(json.dumps(summary))
        if problems:
            fail("; ".join(problems))
        return
    summary = {}
    try:
        if mode == "forged":
            forge_kept_head(driver, url, out)
        for number, path in enumerate(rest):
            name = f"{mode}-{number + 1}-" + (re.sub(r"[^a-z]+", "-", path.split("?")[0].strip("/")) or "workspace")
            result = visit(driver, url + path, name, out)
            summary[path] = {key: result[key] for key in ("page", "verdicts", "errors", "sideways", "status", "accessibility", "axeCore")}
            if number == 0:
                pdf = driver.print_page()
                (out / f"{name}.pdf").write_bytes(base64.b64decode(pdf))
                summary[path]["printedText"] = result["text"][:200]
    finally:
        driver.quit()
    problems = []
    for path, result in summary.items():
        if result["errors"]:
            problems.append(f"{path}: console errors {result['errors']}")
        if result["accessibility"]:
            problems.append(f"{path}: axe-core finds {result['accessibility']}")
        if result["sideways"]:
            problems.append(f"{path}: scrolls sideways at 320 px")
        for index, verdict in result["verdicts"]:
            expected = "failed" if index == tampered_index else "verified"
            if verdict != expected:
                problems.append(f"{path}: entry {index} is {verdict}, not {expected}")
        if result["page"] != ("verified" if mode == "check" else "failed"):
            problems.append(f"{path}: the page's verdict is {result['page']}")
    print(json.dumps(summary))
    if problems:
        fail("; ".join(problems))


if __name__ == "__main__":
    main()
