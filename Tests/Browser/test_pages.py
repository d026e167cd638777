#!/usr/bin/env python3
"""The pages in a real browser (issue 15): headless Chromium driven by Selenium against
`rights serve --demo` on 127.0.0.1, as a clerk, two bidders, a bank officer and the public would
use them. Screenshots of every page are kept in the artefact directory (not committed).

    python3 Tests/Browser/test_pages.py --rights .build/debug/rights [--artifacts DIR]

Exit status 0 when every step passed; each step prints what it checked.
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`rights serve` in a directory of its own, stopped by SIGTERM (or killed) at the end."""

    def __init__(self, rights, workdir, port, now=None, demo=False):
        self.port = port
        env = dict(os.environ, RIGHTS_DB=os.path.join(workdir, "registry.sqlite"), RIGHTS_KEYS=os.path.join(workdir, "keys"))
        env.pop("RIGHTS_NOW", None)
        if now:
            env["RIGHTS_NOW"] = now
        args = [rights, "serve", "--host", "127.0.0.1", "--port", str(port)] + (["--demo"] if demo else [])
        self.log = open(os.path.join(workdir, f"serve-{port}-{int(time.time() * 1000)}.log"), "w+")
        self.process = subprocess.Popen(args, cwd=workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"rights serve exited: {self.output()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("rights serve did not answer within 120 s")

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Run:
    def __init__(self, rights, artifacts):
        self.rights = os.path.abspath(rights)
        self.artifacts = artifacts
        os.makedirs(artifacts, exist_ok=True)
        self.temporary = []
        self.workdir = self.temporary_directory("rights-browser-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.browsers = []
        self.shots = 0

    # -- helpers ---------------------------------------------------------------------------

    def start(self, now=None, demo=False):
        if self.server:
            self.server.stop()
        self.server = Server(self.rights, self.workdir, self.port, now=now, demo=demo)
        return self.server

    def browser(self, downloads=None):
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1800",
                     "--lang=zh-CN", "--force-device-scale-factor=1"]:
            options.add_argument(flag)
        if downloads:
            options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                                      "download.prompt_for_download": False})
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                                  options=options)
        driver.set_page_load_timeout(60)
        self.browsers.append(driver)
        return driver

    def shot(self, driver, name):
        self.shots += 1
        path = os.path.join(self.artifacts, f"{self.shots:02d}-{name}.png")
        driver.save_screenshot(path)
        return path

    def api(self, method, path, token=None, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if token:
            request.add_header("Authorization", "Bearer " + token)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                text = answer.read().decode()
                return answer.status, (json.loads(text) if text.startswith(("{", "[")) else text)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read().decode() or "{}")

    def log_size(self):
        status, ready = self.api("GET", "/readyz")
        assert status == 200, ready
        return ready["log_size"]

    def sign_in(self, driver, login, password, expect_path):
        driver.get(self.base + "/login")
        driver.find_element(By.ID, "login").send_keys(login)
        driver.find_element(By.ID, "password").send_keys(password)
        self.submit(driver, "main form button[type=submit]")
        WebDriverWait(driver, 20).until(lambda d: urllib.parse.urlparse(d.current_url).path == expect_path)

    def fill(self, driver, values):
        for name, value in values.items():
            element = driver.find_element(By.NAME, name)
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            elif element.get_attribute("type") == "checkbox":
                if bool(value) != element.is_selected():
                    element.click()
            else:
                element.clear()
                element.send_keys(value)

    def submit(self, driver, selector="main form button[type=submit]"):
        """Submits and waits for the next page (the old one gone, the new one loaded)."""
        driver.execute_script("window.__beforeSubmit = true")
        driver.find_element(By.CSS_SELECTOR, selector).click()

        def next_page(d):
            try:
                return d.execute_script("return !window.__beforeSubmit && document.readyState === 'complete'")
            except Exception:
                return False  # between pages
        WebDriverWait(driver, 30).until(next_page)

    def close(self):
        for driver in self.browsers:
            try:
                driver.quit()
            except Exception:
                pass
        if self.server:
            self.server.stop()
        for directory in self.temporary:
            shutil.rmtree(directory, ignore_errors=True)

    def temporary_directory(self, prefix):
        directory = tempfile.mkdtemp(prefix=prefix)
        self.temporary.append(directory)
        return directory


def step(text):
    print(f"--- {text}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rights", default=".build/debug/rights")
    parser.add_argument("--artifacts", default=os.environ.get("RIGHTS_ARTIFACTS", ".build/browser-artifacts"))
    arguments = parser.parse_args()
    run = Run(arguments.rights, arguments.artifacts)
    try:
        scenario(run)
    except BaseException:
        if run.server:
            sys.stderr.write("server output:\n" + run.server.output()[-4000:] + "\n")
        for driver in run.browsers:
            try:
                run.shot(driver, "failure")
            except Exception:
                pass
        raise
    finally:
        run.close()
    print(f"browser tests passed; screenshots in {run.artifacts}")


def scenario(run):
    step("serve --demo on 127.0.0.1, demo accounts and tokens printed once")
    server = run.start(demo=True)
    output = server.output()
    passwords = dict(re.findall(r"^\s+(admin|clerk|exchange|agent|bank)\s+(demo-\S+)", output, re.M))
    tokens = dict((role.lower(), token) for role, token in re.findall(r"export (\w+)_TOKEN=(\S+)", output))
    assert set(passwords) == {"admin", "clerk", "exchange", "agent", "bank"}, output
    assert "clerk" in tokens, output

    # -- the clerk registers a household and its contract land through the forms ----------------
    clerk = run.browser()
    step("a wrong password is refused")
    clerk.get(run.base + "/login")
    clerk.find_element(By.ID, "login").send_keys("clerk")
    clerk.find_element(By.ID, "password").send_keys("not-the-password")
    run.submit(clerk)
    assert "用户名或密码不正确" in clerk.find_element(By.ID, "login-error").text
    run.sign_in(clerk, "clerk", passwords["clerk"], "/desk")
    cookie = clerk.get_cookie("rr_session")
    assert cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Strict", cookie
    run.shot(clerk, "desk")

    household = "330424100200000031"
    head_id = "330424199001010017"
    step("household form with a bad ID number: the refusal beside its field, nothing written")
    before = run.log_size()
    clerk.get(run.base + "/desk/forms/household")
    run.fill(clerk, {"code": household, "head.name": "赵新", "head.id_number": "330424199001010018",
                     "members[0].name": "钱芳", "members[0].id_number": "330424199202020027",
                     "members[0].relation": "配偶"})
    run.submit(clerk)
    error = clerk.find_element(By.ID, "e-f-head-id-number")
    field = clerk.find_element(By.ID, "f-head-id-number")
    assert error.is_displayed() and error.text, "no refusal beside head.id_number"
    assert field.get_attribute("aria-invalid") == "true"
    # Beside the field: inside the same field box, right under the input.
    assert error.find_element(By.XPATH, "..").get_attribute("class").startswith("field")
    assert error.find_element(By.XPATH, "..") == field.find_element(By.XPATH, "..")
    assert run.log_size() == before, "a refused form wrote to the register"
    run.shot(clerk, "household-refused")

    step("household form corrected: registered, then the contract-land form for it")
    run.fill(clerk, {"head.id_number": head_id})
    run.submit(clerk)
    assert "/desk/forms/contract-land" in clerk.current_url, clerk.current_url
    assert clerk.find_element(By.NAME, "household").get_attribute("value") == household
    assert run.log_size() == before + 1
    run.fill(clerk, {"term.start": "", "term.end": ""})
    clerk.execute_script(
        "document.getElementsByName('term.start')[0].value='2028-01-01';"
        "document.getElementsByName('term.end')[0].value='2057-12-31';")
    run.fill(clerk, {"parcels[0].code": "3304241002000090031", "parcels[0].location": "东港村3组北畈",
                     "parcels[0].bounds.east": "沟渠", "parcels[0].bounds.south": "机耕路",
                     "parcels[0].bounds.west": "赵某承包地", "parcels[0].bounds.north": "河道",
                     "parcels[0].area_m2": "900.50", "parcels[0].land_use": "1", "parcels[0].basic_farmland": True,
                     "parcels[1].code": "3304241002000090032", "parcels[1].location": "东港村3组南畈",
                     "parcels[1].bounds.east": "赵某承包地", "parcels[1].bounds.south": "河道",
                     "parcels[1].bounds.west": "机耕路", "parcels[1].bounds.north": "沟渠",
                     "parcels[1].area_m2": "450.00", "parcels[1].land_use": "1"})
    run.shot(clerk, "contract-land-form")
    run.submit(clerk)
    assert "/desk/rights/" in clerk.current_url, clerk.find_element(By.TAG_NAME, "main").text
    right = urllib.parse.urlparse(clerk.current_url).path.split("/")[3]
    assert right == household + "J", right
    assert "公示中" in clerk.find_element(By.ID, "status").text
    run.shot(clerk, "right-announced")

    step("the notice board shows the registration in its notice period, with the objection deadline")
    public = run.browser()
    public.get(run.base + "/notices?village=330424100200")
    row = public.find_element(By.XPATH, f"//table[@id='registrations']//tr[td[1]='{right}']")
    cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    status, answer = run.api("GET", f"/v1/rights/{right}", tokens["clerk"])
    assert cells[-1] == answer["notice_ends"], (cells, answer.get("notice_ends"))
    assert "赵" in cells[2] and "赵新" not in cells[2], cells  # the public sees a masked name
    assert "330424199001010017" not in public.page_source
    run.shot(public, "notices")

    # -- bidders register while the listing is announced -----------------------------------------
    step("two buyers register for the demo listing; one through the agent's mandate")
    status, listings = run.api("GET", "/v1/listings?status=announced")
    listing = listings["listings"][0]
    listing_id = listing["id"]
    status, answer = run.api("POST", "/v1/mandates", tokens["clerk"], {
        "principal": "household:330424100200000009", "agent": "330424198001010012",
        "agent_name": "村级代理员 李明", "matters": ["purchase"], "authority": "代为报名竞买",
        "term": {"start": answer["notice_ends"][:4] + "-11-01", "end": "2027-11-30"}, "document": "委托书(2026)09号",
        "signed_by_principal": True, "signed_by_agent": True})
    assert status == 201, answer
    intents = {}
    for buyer in ["household:330424100200000008", "household:330424100200000009"]:
        status, answer = run.api("POST", f"/v1/listings/{listing_id}/intents", tokens["exchange"],
                                 {"buyer": buyer, "deposit_fen": listing["deposit_fen"], "capacity": "种粮户"})
        assert status == 201, answer
        intents[buyer] = answer["id"]

    # -- the auction room, two sessions ---------------------------------------------------------
    opens = listing["auction"]["opens_at"]
    step(f"the registry's clock at the auction ({opens} + 1 h): two bidders in the room")
    run.start(now=opens[:11] + "10:00:00+08:00")
    desk = run.browser()
    run.sign_in(desk, "exchange", passwords["exchange"], "/notices")
    agent = run.browser()
    run.sign_in(agent, "agent", passwords["agent"], "/notices")
    room = f"{run.base}/listings/{listing_id}/room"
    desk.get(room)
    agent.get(room)
    for driver in (desk, agent):
        WebDriverWait(driver, 20).until(lambda d: "已连接" in d.find_element(By.ID, "live").text)
    agent_options = [o.get_attribute("value") for o in agent.find_elements(By.CSS_SELECTOR, "#intent option")]
    assert agent_options == [intents["household:330424100200000009"]], agent_options
    price = listing["price_fen"]
    increment = listing["increment_fen"]

    def bid(driver, intent, fen):
        Select(driver.find_element(By.ID, "intent")).select_by_value(intent)
        amount = driver.find_element(By.ID, "amount")
        amount.clear()
        amount.send_keys(f"{fen // 100}.{fen % 100:02d}")
        run.submit(driver, "#bid-form button")
        WebDriverWait(driver, 20).until(lambda d: "已连接" in d.find_element(By.ID, "live").text)

    def standing_is(driver, fen):
        text = f"{fen // 100}.{fen % 100:02d} 元"
        WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "standing").text == text)

    first = price
    second = price + increment
    agent_url = agent.current_url
    bid(desk, intents["household:330424100200000008"], first)
    standing_is(agent, first)  # the agent's page was not reloaded
    assert agent.current_url == agent_url
    step("the desk's bid appeared in the agent's room without a reload; the agent bids higher")
    run.shot(agent, "room-agent-sees-desk-bid")
    desk_url = desk.current_url
    bid(agent, intents["household:330424100200000009"], second)
    standing_is(desk, second)
    assert desk.current_url == desk_url
    own = agent.find_elements(By.CSS_SELECTOR, "#bids tr.own")
    assert own and "我的出价" in own[0].text, [row.text for row in agent.find_elements(By.CSS_SELECTOR, "#bids tr")]
    run.shot(desk, "room-desk-sees-agent-bid")
    step("a bid that does not beat the leader is refused in the room, naming its rule; nothing written")
    before = run.log_size()
    bid(desk, intents["household:330424100200000008"], second)
    refusal = desk.find_element(By.ID, "bid-error").text
    assert "E-6" in refusal or "rule" in refusal.lower(), refusal
    assert "?error" not in desk.current_url
    assert run.log_size() == before
    run.shot(desk, "room-bid-refused")
    run.shot(agent, "room-agent")

    # -- after the notice: completion, the printed certificate and its QR code -------------------
    status, answer = run.api("GET", f"/v1/rights/{right}", tokens["clerk"])
    after_notice = answer["notice_ends"]
    year, month, day = (int(part) for part in after_notice.split("-"))
    import datetime
    next_day = datetime.date(year, month, day) + datetime.timedelta(days=1)
    step(f"the clock after the notice ({next_day}): the clerk enters the registration and prints it")
    run.start(now=f"{next_day.isoformat()}T10:00:00+08:00")
    clerk = run.browser()
    run.sign_in(clerk, "clerk", passwords["clerk"], "/desk")
    clerk.get(f"{run.base}/desk/rights/{right}/acts/completion")
    run.submit(clerk)
    assert "现势" in clerk.find_element(By.ID, "status").text, clerk.find_element(By.TAG_NAME, "main").text
    clerk.get(f"{run.base}/desk/rights/{right}/certificate")
    number = clerk.find_element(By.ID, "cert-number").text
    assert "农村土地承包经营权" in number, number
    page = run.shot(clerk, "certificate")
    qr = decode_qr(page)
    assert qr.startswith(run.base + "/check?no="), qr
    pdf = clerk.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})
    with open(os.path.join(run.artifacts, "certificate.pdf"), "wb") as out:
        out.write(base64.b64decode(pdf["data"]))

    step("the QR code, followed by a phone that is not signed in, says 现势")
    phone = run.browser()
    phone.set_window_size(390, 844)
    phone.get(qr)
    verdict = phone.find_element(By.ID, "verdict").text
    assert verdict.startswith("现势"), verdict
    assert head_id not in phone.page_source and "赵新" not in phone.page_source
    checks = [item.text for item in phone.find_elements(By.CSS_SELECTOR, ".checks li")]
    assert any("登记机构签名" in c and "通过" in c for c in checks), checks
    assert any("包含证明" in c and "通过" in c for c in checks), checks
    run.shot(phone, "check-current")
    tampered = qr[:-1] + ("A" if qr[-1] != "A" else "B")
    phone.get(tampered)
    assert "校验码" in phone.find_element(By.ID, "verdict").text
    run.shot(phone, "check-tampered")

    step("a bank officer searches the new right, downloads the signed result and verifies it with joserfc")
    downloads = run.temporary_directory("rights-downloads-")
    bank = run.browser(downloads=downloads)
    run.sign_in(bank, "bank", passwords["bank"], "/bank")
    run.fill(bank, {"subject": right, "holder_id_number": head_id, "purpose": "抵押贷款贷前审查"})
    run.submit(bank)
    assert bank.find_element(By.ID, "holder-match").text == "一致"
    assert "现势" in bank.find_element(By.ID, "result-status").text
    run.shot(bank, "bank-result")
    bank.find_element(By.ID, "download").click()
    deadline = time.time() + 20
    files = []
    while time.time() < deadline:
        files = [f for f in os.listdir(downloads) if f.endswith(".jws")]
        if files:
            break
        time.sleep(0.2)
    assert files, "the signed result was not downloaded"
    jws = open(os.path.join(downloads, files[0])).read().strip()
    verify_jws(run, jws, right)

    step("the bank officer re-verifies the downloaded result later on the bank page")
    bank.get(run.base + "/bank")
    bank.find_element(By.ID, "jws").send_keys(jws)
    run.submit(bank, "form[action='/bank/verify'] button")
    assert "签名有效" in bank.find_element(By.ID, "verified").text
    run.shot(bank, "bank-reverified")

    step("after a transfer of one parcel, the same QR code says 已被新证替代")
    clerk.get(f"{run.base}/desk/rights/{right}/acts/transfer")
    run.fill(clerk, {"to": "household:330424100200000003", "parcels": "3304241002000090032",
                     "consents[0].party": "contracting-party",
                     "consents[0].by": "东港村股份经济合作社", "consents[0].document": "同意书(2026)31号"})
    clerk.execute_script(f"document.getElementsByName('consents[0].on')[0].value='{next_day.isoformat()}';")
    run.submit(clerk)
    if "/desk/rights/" not in clerk.current_url or "done=1" not in clerk.current_url:
        raise AssertionError("transfer refused: " + clerk.find_element(By.TAG_NAME, "main").text)
    phone.get(qr)
    verdict = phone.find_element(By.ID, "verdict").text
    assert verdict == "已被新证替代", verdict
    run.shot(phone, "check-superseded")

    step("every field has a label; at 200 % zoom (640 CSS px) and on a phone (390 px) no page scrolls sideways")
    pages = ["/notices", "/check", "/transparency", f"/listings/{listing_id}", f"/listings/{listing_id}/room"]
    desk_pages = ["/desk", "/desk/forms/household", "/desk/forms/contract-land", "/desk/forms/land-management",
                  f"/desk/rights/{right}", f"/desk/rights/{right}/acts/transfer", f"/desk/search?q={household}"]
    for driver, paths in ((public, pages), (clerk, desk_pages), (bank, ["/bank"])):
        for width in (640, 390):
            driver.set_window_size(width, 1000)
            for path in paths:
                driver.get(run.base + path)
                unlabelled = driver.execute_script("""
                    return Array.from(document.querySelectorAll('main input, main select, main textarea'))
                      .filter(e => e.type !== 'hidden')
                      .filter(e => !(e.id && document.querySelector('label[for="' + e.id + '"]')))
                      .map(e => e.name || e.id);""")
                assert not unlabelled, f"{path}: fields without a label: {unlabelled}"
                overflow = driver.execute_script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
                if width == 390 and path in ("/desk/forms/household", "/notices", f"/listings/{listing_id}/room"):
                    run.shot(driver, "phone-" + path.strip("/").replace("/", "-"))
    step("the keyboard reaches the sign-in form's fields and button in order")
    keyboard = run.browser()
    keyboard.get(run.base + "/login")
    order = []
    body = keyboard.find_element(By.TAG_NAME, "body")
    from selenium.webdriver.common.keys import Keys
    for _ in range(12):
        body.send_keys(Keys.TAB) if not order else keyboard.switch_to.active_element.send_keys(Keys.TAB)
        active = keyboard.switch_to.active_element
        order.append(active.get_attribute("id") or active.tag_name)
    assert order.index("login") < order.index("password"), order


def decode_qr(png):
    result = subprocess.run(["zbarimg", "--quiet", "--raw", png], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip(), f"zbarimg found no QR code in {png}: {result.stderr}"
    return result.stdout.strip().splitlines()[0]


def verify_jws(run, jws, right):
    from joserfc import jws as joserfc_jws
    from joserfc.jwk import KeySet
    status, jwks = run.api("GET", "/.well-known/jwks.json")
    keys = KeySet.import_key_set(jwks)
    header = json.loads(base64.urlsafe_b64decode(jws.split(".")[0] + "=="))
    algorithms = [header["alg"]]
    token = joserfc_jws.deserialize_compact(jws, keys, algorithms=algorithms)
    payload = json.loads(token.payload)
    assert payload["type"] == "collateral-search" and payload["right_id"] == right, payload
    assert payload["holder_match"] is True, payload
    print(f"    joserfc verified the {header['alg']} signature (kid {header.get('kid')})")


if __name__ == "__main__":
    main()
