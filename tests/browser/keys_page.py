# keys_page.py: drives the keys page (/keys/) in headless Chromium against the private stack and checks what the database then holds (TAP; run by tests/browser.test).
# usage: keys_page.py BASE_URL FRONT full|basic SHOTS_DIR
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import (KEY_RE, SECRET_RE, Page, Tap, admin, api_json, browser,  # noqa: E402
                 new_user, sql)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

base, front, mode, shots = sys.argv[1:5]
t = Tap('browser ' + front)
PASSWORD = 'page password ' + str(os.getpid())
XSS_NAME = '<img src=x onerror=alert(1)>'
XSS_URL = 'https://hooks.example.com/x"><script>window.__pwned=1</script>'
STATES = ('Active', 'Disabled', 'Expiring in', 'Expired', 'Rotated', 'Revoked')


def row_texts(p):
    return p.js("return [].map.call(document.querySelectorAll('#keys-body tr'), "
                "function (r) { return [].map.call(r.cells, function (c) { return c.textContent; }); })")


def ctl(what):
    subprocess.run([os.environ['TEST_CTL'], what], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def keys_of(uid):
    return int(sql('SELECT COUNT(*) FROM api_keys WHERE user_id = %s' % uid) or 0)


def sign_in(p, email, password):
    p.fill('signin-email', email)
    p.fill('signin-password', password)
    p.click('signin-submit')


def no_script_ran(p, where):
    t.ok(p.no_dialog(), where + ': no dialog opened')
    t.ok(p.js('return window.__pwned === undefined && document.querySelectorAll("img, script:not([src])").length === 0'),
         where + ': no markup from the API became an element, no script ran')


def basic(p, uid, email):
    """Sign-in and the list (every front end)."""
    tok = admin('token-issue', uid)
    made = api_json(base, 'POST', '/api-keys', tok, {'name': XSS_NAME})
    p.open()
    t.ok(p.visible('view-signin') and not p.visible('signout') and not p.visible('view-keys'),
         'the page loads and asks to sign in (no sign-out, no keys shown)')
    sign_in(p, email, 'not the password')
    t.ok(p.wait(lambda: 'do not match' in p.text('signin-email-error')),
         'a wrong password: the API\'s message next to the e-mail field', p.text('problem'))
    sign_in(p, email, PASSWORD)
    t.ok(p.wait_visible('view-keys') and p.wait(lambda: len(row_texts(p)) >= 1),
         'signs in with e-mail and password; the list shows', p.text('problem'))
    rows = row_texts(p)
    t.ok(any(r[0] == XSS_NAME for r in rows), 'a key named %s shows as that text' % XSS_NAME, rows)
    t.ok(any(r[1] == made.get('data', {}).get('key') for r in rows), 'with its key')
    no_script_ran(p, 'the list')
    t.ok(sql("SELECT COUNT(*) FROM personal_access_tokens WHERE tokenable_id = %s AND name = 'keys-page'" % uid) == '1',
         'the database holds one keys-page token of the user')
    p.click('signout')
    t.ok(p.wait_visible('view-signin') and
         p.wait(lambda: sql("SELECT COUNT(*) FROM personal_access_tokens WHERE tokenable_id = %s AND name = 'keys-page'" % uid) == '0'),
         'signing out deletes the page\'s token')
    t.ok(p.js('return sessionStorage.length') == 0, 'and leaves nothing in sessionStorage')


def full(p, uid, email):
    p.open()
    sign_in(p, email, PASSWORD)
    t.ok(p.wait_visible('view-keys'), 'signs in', p.text('problem'))
    t.ok(p.js("return document.cookie === '' && localStorage.length === 0 && "
              "/^[0-9]+\\|/.test(sessionStorage.getItem('apikeys.token'))"),
         'the token is in sessionStorage only (no cookie, no localStorage)')

    # Create, with every setting; the secret once.
    p.js("document.getElementById('create-box').open = true")
    p.click('create-submit')
    t.ok(p.wait(lambda: 'required' in p.text('create-form')),
         'create without a name: the API\'s 422 next to the name', p.text('create-form'))
    p.fill('create-name', 'x')
    p.fill('create-permissions', 'BAD')
    p.fill('create-ips', 'not-an-address')
    p.click('create-submit')
    t.ok(p.wait(lambda: 'permissions.0 field format is invalid' in p.text('create-form') and
                'allowed_ips.0 field must be a valid IP address' in p.text('create-form')),
         'bad permissions and addresses: each message next to its field', p.text('create-form'))
    t.ok(p.js("return document.getElementById('create-permissions').getAttribute('aria-invalid')") == 'true',
         'the field is marked invalid and described by its message')
    p.fill('create-name', XSS_NAME)
    p.fill('create-permissions', 'payments:write refunds:read')
    p.fill('create-rate-limit', '10')
    p.fill('create-rate-window', '60')
    p.fill('create-remaining', '1000')
    p.fill('create-ips', '203.0.113.0/24, 2001:db8::1')
    exp = time.strftime('%Y-%m-%dT%H:%M', time.gmtime(time.time() + 200 * 86400))
    p.js("document.getElementById('create-expires').value = arguments[0]", exp)
    p.click('create-submit')
    t.ok(p.wait_visible('view-secret'), 'create: the new-secret view', p.text('problem'))
    secret = p.js("return document.getElementById('secret-value-secret').value")
    key = p.js("return document.getElementById('secret-value-key').value")
    t.ok(SECRET_RE.match(secret or '') and KEY_RE.match(key or ''), 'it shows the key and the secret')
    t.ok('shown only once' in p.text('view-secret'), 'with the warning that it is shown once')
    p.click('secret-copy')
    t.ok(p.wait(lambda: p.text('secret-copied') != ''), 'the copy button answers: ' + p.text('secret-copied'))
    for w in (1280, 375):
        p.shot(os.path.join(shots, 'keys-new-secret-%d.png' % w), w)
    row = sql("SELECT CONCAT_WS('|', name, permissions, rate_limit, rate_window, remaining_uses, "
              "REPLACE(allowed_ips, CHAR(92), ''), "
              "DATE_FORMAT(expires_at, '%%Y-%%m-%%dT%%H:%%i'), enabled) FROM api_keys WHERE `key` = '%s'" % key)
    want = '|'.join([XSS_NAME, '["payments:write","refunds:read"]', '10', '60', '1000',
                     '["203.0.113.0/24","2001:db8::1"]', exp, '1'])
    t.ok(row == want, 'the database holds the key with every setting', 'want %s\ngot  %s' % (want, row))
    t.ok(sql("SELECT COUNT(*) FROM api_keys WHERE secret_hash = '%s'" % secret) == '0',
         'and not the secret in plaintext')
    p.click('secret-done')
    t.ok(p.wait(lambda: any(r[0] == XSS_NAME for r in row_texts(p))) and
         p.js("return document.getElementById('secret-values').textContent") == '',
         'back to the list: the name as text, the secret gone from the page')
    no_script_ran(p, 'after create')
    kid = sql("SELECT id FROM api_keys WHERE `key` = '%s'" % key)
    for i in range(3):
        api_json(base, 'POST', '/api-keys/verify', None, {'key': key, 'secret': secret, 'client_ip': '203.0.113.9'})
    api_json(base, 'POST', '/api-keys/verify', None, {'key': key, 'secret': secret[:-1] + 'x'})

    # Settings (PATCH): disable it; the audit trail.
    p.js("document.querySelector('#keys-body tr[data-key-id=\"%s\"] .open-key').click()" % kid)
    t.ok(p.wait_visible('key-detail') and p.wait(lambda: p.js("return document.getElementById('set-name').value") == XSS_NAME),
         'open the key: its settings fill the form')
    p.fill('set-remaining', '-5')
    p.click('settings-submit')
    t.ok(p.wait(lambda: 'between 0 and 1000000000000' in p.text('settings-form')),
         'a bad setting: the API\'s message next to it', p.text('settings-form'))
    p.fill('set-remaining', '500')
    p.click('set-enabled')
    p.click('settings-submit')
    t.ok(p.wait(lambda: sql('SELECT CONCAT(enabled, remaining_uses) FROM api_keys WHERE id = %s' % kid) == '0500'),
         'PATCH: the database holds enabled 0 and 500 uses')
    t.ok(p.wait(lambda: 'Disabled' in p.text('detail-summary')), 'the key shows as Disabled (a word)')
    t.ok(p.wait(lambda: 'updated' in p.text('events-body') and 'created' in p.text('events-body')),
         'the audit trail shows created and updated', p.text('events-body'))
    t.ok('["enabled","remaining_uses"]' in p.text('events-body').replace(' ', ''),
         'with the members changed, as text')

    # Usage: a chart when the route answers.
    p.wait(lambda: p.text('usage-status') not in ('', 'Loading the usage…'))
    if 'does not count usage' in p.text('usage-status'):
        t.skip('usage chart', 'GET /api/api-keys/{id}/usage is not routed on this build (404)')
    else:
        t.ok(p.wait(lambda: p.js("return !!(window.Chart && Chart.getChart('usage-chart'))")),
             'usage: a Chart.js chart is drawn', p.text('usage-status'))
        series = p.js("var c = Chart.getChart('usage-chart'); return c ? c.data.datasets.length : 0")
        t.ok(series == 9, 'one series per outcome (9)', series)
        t.ok(p.js("return document.querySelectorAll('#usage-table tbody tr').length") >= 24,
             'and the same figures as a table')
        t.ok('3 valid' in p.text('usage-status'), 'the three valid verifies are counted', p.text('usage-status'))
    p.js("document.getElementById('usage-title').scrollIntoView()")
    for w in (1280, 375):
        p.shot(os.path.join(shots, 'keys-usage-%d.png' % w), w)

    # Rotate with a grace period.
    p.js("document.getElementById('rotate-grace').value = '3600'")
    p.click('rotate-submit')
    text = p.confirm()
    t.ok('keeps working for 1 hour' in text, 'rotate asks first, saying the old key works for 1 hour', text)
    t.ok(p.wait_visible('view-secret'), 'rotate: the new secret, once', p.text('problem'))
    new_key = p.js("return document.getElementById('secret-value-new-key').value")
    p.click('secret-done')
    p.wait(lambda: len(row_texts(p)) >= 2)
    new_id = sql("SELECT id FROM api_keys WHERE `key` = '%s'" % new_key)
    t.ok(sql('SELECT rotated_to FROM api_keys WHERE id = %s' % kid) == new_id and
         sql('SELECT expires_at BETWEEN NOW() + INTERVAL 50 MINUTE AND NOW() + INTERVAL 70 MINUTE FROM api_keys WHERE id = %s' % kid) == '1',
         'the database: the old key points at the new one and ends in an hour')

    # Revoke, after a confirmation (cancel first: nothing changes).
    p.js("document.querySelector('#keys-body tr[data-key-id=\"%s\"] .revoke-key').click()" % new_id)
    text = p.confirm(accept=False)
    t.ok('stops working now' in text and sql('SELECT revoked_at IS NULL FROM api_keys WHERE id = %s' % new_id) == '1',
         'revoke asks first; cancelled, nothing changes', text)
    p.js("document.querySelector('#keys-body tr[data-key-id=\"%s\"] .revoke-key').click()" % new_id)
    p.confirm()
    t.ok(p.wait(lambda: sql('SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = %s' % new_id) == '1'),
         'confirmed: the database holds the revocation')

    # Every state, told by words.
    api_json(base, 'POST', '/api-keys', admin_token, {'name': 'active one'})
    off = api_json(base, 'POST', '/api-keys', admin_token, {'name': 'off'}).get('data', {}).get('id')
    api_json(base, 'PATCH', '/api-keys/%s' % off, admin_token, {'enabled': False})
    e1 = api_json(base, 'POST', '/api-keys', admin_token, {'name': 'soon'}).get('data', {}).get('id')
    e2 = api_json(base, 'POST', '/api-keys', admin_token, {'name': 'old'}).get('data', {}).get('id')
    sql('UPDATE api_keys SET expires_at = NOW(6) + INTERVAL 10 DAY WHERE id = %s' % e1)
    sql('UPDATE api_keys SET expires_at = NOW(6) - INTERVAL 1 DAY WHERE id = %s' % e2)
    p.click('keys-refresh')
    p.wait(lambda: len(row_texts(p)) >= 6)
    states = ' '.join(r[2] for r in row_texts(p))
    t.ok(all(s in states for s in STATES), 'the list tells every state by a word: ' + states)
    t.ok(p.js("return [].every.call(document.querySelectorAll('#keys-body button'), "
              "function (b) { return (b.getAttribute('aria-label') || b.textContent).trim() !== ''; })"),
         'every button of the list has a name')
    unnamed = p.js("return [].filter.call(document.querySelectorAll('input, select, button, summary, textarea'), "
                   "function (e) { return !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && "
                   "!e.textContent.trim(); }).map(function (e) { return e.id || e.outerHTML.slice(0, 80); })")
    t.ok(not unnamed, 'every control of the page has a label or a name', unnamed)
    for w in (1280, 375):
        over = p.shot(os.path.join(shots, 'keys-list-%d.png' % w), w)
        t.ok(over <= 0, 'the list at %d px needs no sideways scrolling' % w, over)
    p.d.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {'width': 640, 'height': 450, 'deviceScaleFactor': 2, 'mobile': False})
    time.sleep(0.3)
    t.ok(p.js('return document.documentElement.scrollWidth - document.documentElement.clientWidth') <= 0,
         '1280 px at 200% zoom (640 CSS px): nothing runs off the side')
    p.d.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})

    # Generate, after a confirmation that names what is lost.
    before = keys_of(uid)
    p.click('keys-generate')
    text = p.confirm(accept=False)
    t.ok(('These %d keys will be deleted' % before) in text and XSS_NAME in text and keys_of(uid) == before,
         'generate names the %d keys it deletes; cancelled, nothing changes' % before, text)
    p.click('keys-generate')
    p.confirm()
    t.ok(p.wait_visible('view-secret') and p.wait(lambda: keys_of(uid) == 1),
         'confirmed: one new key, shown once; the database holds only it')
    p.click('secret-done')
    no_script_ran(p, 'after the key flows')

    # Webhooks, when the routes answer.
    p.click('nav-hooks')
    p.wait(lambda: p.text('hooks-status') != '' or len(p.d.find_elements(By.CSS_SELECTOR, '#hooks-body tr')) > 0)
    if 'does not send webhooks' in p.text('hooks-status'):
        t.skip('webhooks and deliveries', 'the /api/webhooks routes are not on this build (404)')
    else:
        p.js("document.getElementById('hook-create-box').open = true")
        p.fill('hook-url', XSS_URL)
        p.click('hook-event-key-created')
        p.click('hook-submit')
        # A '"', '<' or '>' is not allowed in a URL (RFC 3986), so the API
        # answers 422 (as Laravel's url rule does); the message must show as
        # text beside the URL field, which is marked invalid.
        url_error = "return document.querySelector('#hook-form [data-error-for=url]').textContent"
        t.ok(p.wait(lambda: 'must be a valid URL' in p.js(url_error)),
             'a webhook URL with "><script>: refused, the API\'s message by the URL field',
             p.text('problem') + p.text('hook-form')[:200])
        t.ok(p.js("return document.getElementById('hook-url').getAttribute('aria-invalid')") == 'true',
             'the URL field is marked invalid')
        no_script_ran(p, 'the webhook URL')
        p.js("document.getElementById('hook-create-box').open = true")
        p.fill('hook-url', 'https://hooks.example.com/in')
        # A refused form keeps its choices: key.created is still ticked.
        p.js("var c = document.getElementById('hook-event-key-created'); if (!c.checked) c.click()")
        p.click('hook-submit')
        t.ok(p.wait_visible('view-secret'), 'a webhook is added; its secret shown once', p.text('problem'))
        p.click('secret-done')
        p.wait(lambda: len(p.d.find_elements(By.CSS_SELECTOR, '#hooks-body tr')) >= 1)
        no_script_ran(p, 'the webhook list')
        p.js("document.querySelector('#hooks-body button[aria-label^=\"Send a test\"]').click()")
        t.ok(p.wait(lambda: 'test event is queued' in p.text('notice')), 'send a test: queued', p.text('problem'))
        p.js("document.querySelector('#hooks-body button[aria-label^=\"Deliveries\"]').click()")
        t.ok(p.wait_visible('deliveries') and p.wait(lambda: 'webhook.test' in p.text('deliveries-body')),
             'the deliveries show the test event', p.text('deliveries-body'))
        n = len(p.d.find_elements(By.CSS_SELECTOR, '#hooks-body tr'))
        p.js("document.querySelector('#hooks-body button[aria-label^=\"Delete\"]').click()")
        text = p.confirm()
        t.ok('no longer be told' in text and
             p.wait(lambda: len(api_json(base, 'GET', '/webhooks', admin_token).get('data', [])) == n - 1),
             'delete asks first, then the webhook is gone')
    p.click('nav-keys')

    # The database gone: a 503 says the service is down and the page tries
    # again by itself; back, the list comes without a click.
    p.wait(lambda: len(row_texts(p)) >= 1)
    ctl('db-stop')
    p.click('keys-refresh')
    t.ok(p.wait(lambda: 'service is down' in p.text('problem') and 'Trying again' in p.text('problem'), 30),
         'a 503: ' + p.text('problem'))
    ctl('db-start')
    t.ok(p.wait(lambda: p.text('problem') == '' and 'up to date' in p.text('notice'), 60),
         'the database back, the retry succeeds by itself', p.text('problem'))

    # A token without the write ability: the 403 says what to do.
    plain = 'pagereadonly' + str(os.getpid())
    sql("INSERT INTO personal_access_tokens (tokenable_type, tokenable_id, name, token, abilities, created_at, updated_at) "
        "VALUES (CONCAT('App', CHAR(92), 'Models', CHAR(92), 'User'), %s, 'ro', SHA2('%s', 256), '[\"api-keys:read\"]', NOW(), NOW())" % (uid, plain))
    ro_id = sql("SELECT id FROM personal_access_tokens WHERE name = 'ro' AND tokenable_id = %s" % uid)
    p.click('signout')
    p.wait_visible('view-signin')
    p.js("document.querySelector('.token-signin').open = true")
    p.fill('token-input', '%s|%s' % (ro_id, plain))
    p.click('token-submit')
    t.ok(p.wait_visible('view-keys'), 'signs in with a pasted token', p.text('problem'))
    p.js("document.getElementById('create-box').open = true")
    p.fill('create-name', 'not allowed')
    p.click('create-submit')
    t.ok(p.wait(lambda: 'api-keys:write' in p.text('problem')), 'a 403 says what to do: ' + p.text('problem'))
    p.click('signout')
    t.ok(p.wait_visible('view-signin') and sql('SELECT COUNT(*) FROM personal_access_tokens WHERE id = %s' % ro_id) == '1',
         'signing out of a pasted token forgets it but does not delete it')

    # A 401 mid-session: the page asks to sign in again.
    sign_in(p, email, PASSWORD)
    t.ok(p.wait_visible('view-keys', timeout=40), 'signs in again with the password',
         p.text('problem') + ' / ' + p.text('signin-form'))
    sql("DELETE FROM personal_access_tokens WHERE tokenable_id = %s AND name = 'keys-page'" % uid)
    p.click('keys-refresh')
    t.ok(p.wait_visible('view-signin') and 'Sign in again' in p.text('notice'),
         'a 401 says to sign in again: ' + p.text('notice'))


def keyboard(p, uid, email):
    """Create, rotate and revoke with Tab, typing and Enter only."""
    p.open()
    p.d.find_element(By.TAG_NAME, 'body').send_keys(Keys.TAB)
    ok = p.key_type('signin-email', email) and p.key_type('signin-password', PASSWORD) and \
        p.key_press('signin-submit')
    t.ok(ok and p.wait_visible('view-keys'), 'keyboard: signs in')
    before = keys_of(uid)
    ok = p.key_press(lambda e: e.tag_name == 'summary' and 'Create a key' in e.text) and \
        p.key_type('create-name', 'typed key') and p.key_type('create-permissions', 'payments:write') and \
        p.key_press('create-submit')
    t.ok(ok and p.wait_visible('view-secret') and keys_of(uid) == before + 1, 'keyboard: creates a key')
    kid = sql("SELECT id FROM api_keys WHERE user_id = %s AND name = 'typed key'" % uid)
    p.key_press('secret-done')
    p.wait(lambda: 'typed key' in p.text('keys-body'))
    ok = p.key_press(lambda e: e.get_attribute('aria-label') == 'Open key typed key') and \
        p.wait_visible('key-detail') and p.key_press('rotate-grace', Keys.ARROW_DOWN) and \
        p.key_press('rotate-submit') and p.wait(lambda: p.js("return document.getElementById('confirm').open")) and \
        p.key_press('confirm-ok')
    t.ok(ok and p.wait_visible('view-secret') and
         p.wait(lambda: sql('SELECT rotated_to IS NOT NULL FROM api_keys WHERE id = %s' % kid) == '1'),
         'keyboard: rotates it (grace 1 hour, chosen with the arrow key)')
    new_id = sql('SELECT rotated_to FROM api_keys WHERE id = %s' % kid)
    p.key_press('secret-done')
    p.wait(lambda: len(row_texts(p)) >= 2)
    ok = p.key_press(lambda e: e.get_attribute('aria-label') == 'Revoke key typed key' and
                     e.find_element(By.XPATH, './ancestor::tr').get_attribute('data-key-id') == new_id) and \
        p.wait(lambda: p.js("return document.getElementById('confirm').open")) and p.key_press('confirm-ok')
    t.ok(ok and p.wait(lambda: sql('SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = %s' % new_id) == '1'),
         'keyboard: revokes the new key')
    p.key_press('signout')


drv = browser()
p = Page(drv, base, t)
try:
    uid, email = new_user('page-' + front, PASSWORD)
    admin_token = admin('token-issue', uid)
    if mode == 'full':
        full(p, uid, email)
        keyboard(p, uid, email)
    else:
        basic(p, uid, email)
    logs = p.collect_logs()
    network = [e for e in logs if e.get('source') == 'network']
    other = [e for e in logs if e.get('source') != 'network' and
             (e.get('level') in ('SEVERE', 'WARNING') or 'Content Security Policy' in e.get('message', ''))]
    t.diag('%d console lines; %d network lines (the API\'s intended 401/403/404/422 answers):' % (len(logs), len(network)))
    for e in network[:12]:
        t.diag('  ' + e.get('message', '')[:160])
    t.ok(not other, 'the console holds no error, warning or CSP violation for the whole run',
         json.dumps(other, indent=1)[:2000])
    t.ok(not [e for e in logs if 'Content Security Policy' in e.get('message', '')], 'no CSP violation at all')
finally:
    drv.quit()
sys.exit(1 if t.failed else 0)
