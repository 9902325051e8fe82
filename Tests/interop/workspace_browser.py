#!/usr/bin/env python3
"""The auditor's workspace in a real browser: headless Chromium (Debian's chromium and
chromium-driver, driven by selenium) presents the demo auditor's client certificate from the
PKCS#12 file the demo writes, imported into an NSS database with pk12util; Chromium's
AutoSelectCertificateForUrls policy picks it without a prompt.

    workspace_browser.py check URL P12 PASSWORD CA OUT PAGE...      every entry verifies
    workspace_browser.py tampered URL P12 PASSWORD CA OUT PAGE INDEX  that entry fails, the rest verify
    workspace_browser.py forged URL P12 PASSWORD CA OUT PAGE...     the browser's kept tree head is replaced
                                                                    by one with another root: the page fails

Each PAGE is a path such as /workspace/subject?nhsNumber=9990001006. For each page it waits for
the page's own verification, checks every entry's verdict, that the browser console holds no
error, that axe-core (bundled by axe-selenium-python) finds no WCAG 2 A or AA violation, that
nothing scrolls sideways at 320 px, and saves a screenshot (and for the first page
a PDF as printed) in OUT. The browser profile is kept in OUT, so a second run is a second visit
(the last tree head verified is in its localStorage). Prints a JSON summary; exit 1 on failure.
"""
import base64
import json
import os
import pathlib
import re
import subprocess
import sys

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

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
    checked = axe.run(options="{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}}")
    accessibility = [f"{violation['id']}: {violation['help']}" for violation in checked["violations"]]
    status = driver.find_element(By.ID, "verification").text
    driver.save_screenshot(str(out / f"{name}.png"))
    driver.set_window_size(320, 900)
    sideways = driver.execute_script("return document.documentElement.scrollWidth > document.documentElement.clientWidth")
    driver.save_screenshot(str(out / f"{name}-320px.png"))
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    return {"page": page, "accessibility": accessibility, "verdicts": verdicts, "errors": errors, "sideways": sideways, "status": status,
            "text": driver.find_element(By.TAG_NAME, "body").text}


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
    summary = {}
    try:
        if mode == "forged":
            forge_kept_head(driver, url, out)
        for number, path in enumerate(rest):
            name = f"{mode}-{number + 1}-" + (re.sub(r"[^a-z]+", "-", path.split("?")[0].strip("/")) or "workspace")
            result = visit(driver, url + path, name, out)
            summary[path] = {key: result[key] for key in ("page", "verdicts", "errors", "sideways", "status", "accessibility")}
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
