# tap.py: what the browser tests share: TAP output, the database and admin tool of the private stack, headless Chromium through selenium, keyboard-only moves, screenshots.
import json
import os
import re
import subprocess
import time

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException, StaleElementReferenceException,
                                        TimeoutException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


class Tap:
    """TAP lines, numbered; the plan is printed by the caller's shell."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.failed = 0

    def ok(self, cond, desc, why=''):
        print('%s - %s: %s' % ('ok' if cond else 'not ok', self.prefix, desc), flush=True)
        if not cond:
            self.failed += 1
            for line in str(why).splitlines()[:20]:
                print('#   ' + line, flush=True)
        return cond

    def skip(self, desc, why):
        print('ok - %s: %s # SKIP %s' % (self.prefix, desc, why), flush=True)

    def diag(self, text):
        for line in str(text).splitlines():
            print('# ' + line, flush=True)


def sql(query):
    """One query through the stack's TEST_SQL (its output, stripped)."""
    out = subprocess.run([os.environ['TEST_SQL'], query], capture_output=True, text=True)
    return out.stdout.strip()


def admin(*args):
    out = subprocess.run([os.environ['TEST_ADMIN'], *args], capture_output=True, text=True)
    return out.stdout.strip()


def laravel_hash(password):
    """The password as Laravel's Hash::make writes it (its bcrypt hasher),
    or, without Laravel, the same kind of hash from PHP or crypt."""
    hasher = '/usr/share/php/Illuminate/Hashing/autoload.php'
    env = dict(os.environ, PW=password)
    if os.path.exists(hasher):
        code = ("require '%s'; echo (new Illuminate\\Hashing\\BcryptHasher())->make(getenv('PW'));"
                % hasher)
        out = subprocess.run(['php', '-r', code], capture_output=True, text=True, env=env)
        if out.returncode == 0 and out.stdout.startswith('$2y$'):
            return out.stdout.strip()
    out = subprocess.run(['php', '-r', "echo password_hash(getenv('PW'), PASSWORD_BCRYPT);"],
                         capture_output=True, text=True, env=env)
    return out.stdout.strip()


def new_user(label, password):
    """A user with a Laravel password; returns (id, email)."""
    email = '%s-%d-%d@example.com' % (label, os.getpid(), int(time.time() * 1000) % 100000)
    uid = admin('user-add', email)
    sql("UPDATE users SET password = '%s' WHERE id = %s" % (laravel_hash(password), uid))
    return uid, email


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = '/usr/bin/chromium'
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
              '--window-size=1280,900', '--no-first-run', '--disable-extensions',
              '--force-color-profile=srgb', '--hide-scrollbars', '--lang=en-US'):
        opts.add_argument(a)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    drv = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)
    drv.set_page_load_timeout(30)
    return drv


class Page:
    """The page in one browser, with the checks every flow makes."""

    def __init__(self, drv, base, tap):
        self.d, self.base, self.t = drv, base, tap
        self.logs = []

    def open(self):
        self.d.get(self.base + '/keys/')
        self.wait_visible('signin-email', 'view-keys')

    def by_id(self, i):
        return self.d.find_element(By.ID, i)

    def visible(self, i):
        els = self.d.find_elements(By.ID, i)
        return bool(els) and els[0].is_displayed()

    def wait(self, cond, timeout=15):
        try:
            WebDriverWait(self.d, timeout, poll_frequency=0.1).until(lambda d: cond())
            return True
        except TimeoutException:
            return False

    def wait_visible(self, *ids, timeout=15):
        return self.wait(lambda: any(self.visible(i) for i in ids), timeout)

    def text(self, i):
        return self.d.execute_script('return document.getElementById(arguments[0]).textContent', i)

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def fill(self, i, value):
        e = self.by_id(i)
        e.clear()
        if value:
            e.send_keys(value)

    def click(self, i):
        self.by_id(i).click()

    def no_dialog(self):
        """1 when no alert, confirm or prompt is open."""
        try:
            self.d.switch_to.alert
            return False
        except NoAlertPresentException:
            return True

    def confirm(self, accept=True):
        """Answers the page's confirmation dialog; returns its text."""
        self.wait(lambda: self.js("return document.getElementById('confirm').open"))
        text = self.text('confirm-text')
        self.click('confirm-ok' if accept else 'confirm-cancel')
        self.wait(lambda: not self.js("return document.getElementById('confirm').open"))
        return text

    def collect_logs(self):
        self.logs.extend(self.d.get_log('browser'))
        return self.logs

    def shot(self, path, width):
        """A whole-page screenshot at width CSS pixels."""
        self.d.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
            'width': width, 'height': 900, 'deviceScaleFactor': 1, 'mobile': width < 600})
        time.sleep(0.3)
        h = self.js('return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)')
        self.d.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
            'width': width, 'height': min(int(h), 6000), 'deviceScaleFactor': 1, 'mobile': width < 600})
        time.sleep(0.3)
        overflow = self.js('return document.documentElement.scrollWidth - document.documentElement.clientWidth')
        self.d.save_screenshot(path)
        self.d.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})
        return overflow

    # ---- the keyboard alone

    def active(self):
        return self.d.switch_to.active_element

    def tab_to(self, match, limit=250):
        """Presses Tab (from where the focus is) until the focused element
        matches (an id, or a function of the element); False if never."""
        for _ in range(limit):
            try:
                e = self.active()
                if (match(e) if callable(match) else e.get_attribute('id') == match):
                    return True
                e.send_keys(Keys.TAB)
            except StaleElementReferenceException:
                # The page redrew the focused element (the list after a
                # change): the focus is where the browser put it; go on.
                time.sleep(0.1)
        return False

    def key_type(self, match, text):
        if not self.tab_to(match):
            return False
        self.active().send_keys(text)
        return True

    def key_press(self, match, key=Keys.ENTER):
        if not self.tab_to(match):
            return False
        self.active().send_keys(key)
        return True


def api_json(base, method, path, token=None, body=None):
    """A call with curl (setting up data the page then shows)."""
    cmd = ['curl', '-s', '-X', method, base + '/api' + path, '-H', 'Content-Type: application/json']
    if token:
        cmd += ['-H', 'Authorization: Bearer ' + token]
    if body is not None:
        cmd += ['--data-binary', json.dumps(body)]
    elif method == 'POST':
        cmd += ['--data-binary', '']
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    try:
        return json.loads(out)
    except ValueError:
        return {}


SECRET_RE = re.compile(r'^MTP_SEC_[A-Za-z0-9]{40}$')
KEY_RE = re.compile(r'^MTP_KEY_[A-Za-z0-9]{40}$')
