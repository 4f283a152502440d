/* keys.js: the keys page: signs in, lists and changes keys, shows usage and webhooks, all through the JSON API.
 * Every value from the API is written as text (textContent), never as HTML. */
'use strict';

(function () {
	var API = new URL('../api', document.baseURI).pathname.replace(/\/$/, '');
	var TOKEN = 'apikeys.token', ORIGIN = 'apikeys.origin';
	var DAY = 86400000;
	var OUTCOMES = ['valid', 'invalid_secret', 'disabled', 'expired', 'revoked',
		'forbidden_ip', 'forbidden_permissions', 'rate_limited', 'usage_exceeded'];
	var OUTCOME_LABELS = {
		valid: 'Valid', invalid_secret: 'Wrong secret', disabled: 'Disabled',
		expired: 'Expired', revoked: 'Revoked', forbidden_ip: 'Address refused',
		forbidden_permissions: 'Permission missing', rate_limited: 'Rate limited',
		usage_exceeded: 'Uses exhausted'
	};
	var OUTCOME_COLOURS = ['#1b7837', '#b2182b', '#7f7f7f', '#8c510a', '#40004b',
		'#d6604d', '#f4a582', '#2166ac', '#92c5de'];
	var HOOK_EVENTS = ['key.created', 'key.updated', 'key.rotated', 'key.revoked',
		'key.deleted', 'key.expiring', 'key.leaked', 'key.usage_exhausted'];
	var state = { keys: [], current: null, chart: null, retry: null };

	function $(id) { return document.getElementById(id); }
	function el(tag, text, cls) {
		var e = document.createElement(tag);
		if (text !== undefined && text !== null)
			e.textContent = String(text);
		if (cls)
			e.className = cls;
		return e;
	}
	function show(id, on) { $(id).hidden = !on; }
	function token() { return sessionStorage.getItem(TOKEN); }

	/* ---------------------------------------------------------- messages */

	function notice(text) { $('notice').textContent = text || ''; }
	function problem(text) {
		var p = $('problem');
		p.textContent = text || '';
		p.hidden = !text;
	}
	function fmtTime(iso) {
		if (!iso)
			return '—';
		return String(iso).slice(0, 16).replace('T', ' ') + ' UTC';
	}

	/* Clears the field errors of a form. */
	function clearErrors(form) {
		var i, errs = form.querySelectorAll('[data-error-for]'),
			bad = form.querySelectorAll('[aria-invalid]');
		for (i = 0; i < errs.length; i++)
			errs[i].textContent = '';
		for (i = 0; i < bad.length; i++) {
			bad[i].removeAttribute('aria-invalid');
			bad[i].removeAttribute('aria-describedby');
		}
	}

	/* Puts the API's 422 messages next to their fields ("permissions.2"
	 * goes with "permissions"); answers whether every one found a place. */
	function showErrors(form, errors) {
		var placed = true, first = null;
		Object.keys(errors || {}).forEach(function (key) {
			var base = key.split('.')[0];
			var slot = form.querySelector('[data-error-for="' + base + '"]');
			var msgs = [].concat(errors[key]).join(' ');
			var input;
			if (!slot) {
				placed = false;
				problem(msgs);
				return;
			}
			slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + msgs;
			if (!slot.id)
				slot.id = form.id + '-' + base + '-error';
			input = form.querySelector('[name="' + base + '"], [name^="' + base + '."]');
			if (!input && slot.parentNode)
				input = slot.parentNode.querySelector('input, select');
			if (input) {
				input.setAttribute('aria-invalid', 'true');
				input.setAttribute('aria-describedby', slot.id);
				if (!first)
					first = input;
			}
		});
		if (first)
			first.focus();
		return placed;
	}

	/* -------------------------------------------------------------- API */

	function stopRetry() {
		if (state.retry) {
			clearTimeout(state.retry.timer);
			state.retry = null;
		}
	}

	/*
	 * One call.  Resolves with {status, body} for answers the caller
	 * handles (2xx, 404, 409, 422, 429); a 401 or 403 says what to do
	 * and resolves with null; a 503 or no answer says the service is
	 * down and tries again by itself, with a widening wait.
	 */
	function api(method, path, body, attempt) {
		var headers = { 'Accept': 'application/json' };
		var opts = { method: method, headers: headers, credentials: 'omit', cache: 'no-store',
			referrerPolicy: 'no-referrer' };
		attempt = attempt || 0;
		if (token() && path !== '/login')
			headers.Authorization = 'Bearer ' + token();
		if (body !== undefined) {
			headers['Content-Type'] = 'application/json';
			opts.body = JSON.stringify(body);
		}
		return fetch(API + path, opts).then(function (res) {
			return res.text().then(function (text) {
				var json = null;
				try { json = JSON.parse(text); } catch (e) { json = null; }
				return { status: res.status, body: json || {}, retryAfter: res.headers.get('Retry-After') };
			});
		}, function () {
			return { status: 0, body: {} };
		}).then(function (r) {
			if (r.status === 503 || r.status === 502 || r.status === 504 || r.status === 0)
				return retryLater(method, path, body, attempt, r);
			stopRetry();
			if (r.status === 401 && path !== '/login') {
				signedOut('You are signed out: your sign-in ended or the token was refused. Sign in again.');
				return null;
			}
			if (r.status === 403 && r.body.message === 'Invalid ability provided.') {
				problem('This token may not do that (the service said: “Invalid ability provided.”). ' +
					'Sign out and sign in with your e-mail and password, or use a token with the ability api-keys:write.');
				return null;
			}
			if (r.status === 403) {
				problem((r.body.message || 'Forbidden.') + ' Confirm your e-mail address, then try again.');
				return null;
			}
			if (r.status >= 500) {
				problem('The service failed (' + r.status + ': ' + (r.body.message || 'no message') +
					'). Nothing was changed; try again later.');
				return null;
			}
			problem('');
			return r;
		});
	}

	function retryLater(method, path, body, attempt, r) {
		var wait = Math.min(30, 2 * Math.pow(2, attempt));
		var why = r.status === 0 ? 'The service cannot be reached' :
			'The service is down (' + r.status + ': ' + (r.body.message || 'unavailable') + ')';
		if (r.retryAfter && /^[0-9]+$/.test(r.retryAfter))
			wait = Math.max(1, Math.min(60, parseInt(r.retryAfter, 10)));
		stopRetry();
		return new Promise(function (resolve) {
			var left = wait;
			function tick() {
				problem(why + '. Trying again in ' + left + ' s…');
				if (left <= 0) {
					problem(why + '. Trying again now…');
					resolve(api(method, path, body, attempt + 1));
					return;
				}
				left--;
				state.retry = { timer: setTimeout(tick, 1000) };
			}
			tick();
		});
	}

	/* ---------------------------------------------------------- signing in */

	function signedIn(origin, value) {
		sessionStorage.setItem(TOKEN, value);
		sessionStorage.setItem(ORIGIN, origin);
		show('view-signin', false);
		show('nav', true);
		showKeys();
	}

	function signedOut(message) {
		sessionStorage.removeItem(TOKEN);
		sessionStorage.removeItem(ORIGIN);
		if (state.chart) {
			state.chart.destroy();
			state.chart = null;
		}
		['nav', 'view-keys', 'view-hooks', 'view-secret'].forEach(function (id) { show(id, false); });
		show('view-signin', true);
		$('signin-password').value = '';
		$('token-input').value = '';
		notice(message || '');
		$('signin-email').focus();
	}

	$('signin-form').addEventListener('submit', function (ev) {
		var form = ev.target;
		ev.preventDefault();
		clearErrors(form);
		problem('');
		api('POST', '/login', { email: $('signin-email').value, password: $('signin-password').value }).then(function (r) {
			if (!r)
				return;
			$('signin-password').value = '';
			if (r.status === 200 && r.body.data && r.body.data.token) {
				notice('Signed in.');
				signedIn('login', r.body.data.token);
			} else if (r.status === 422) {
				showErrors(form, r.body.errors);
			} else {
				problem(r.body.message || ('Sign-in failed (' + r.status + ').'));
				$('signin-email').focus();
			}
		});
	});

	$('token-form').addEventListener('submit', function (ev) {
		var form = ev.target, value = $('token-input').value.trim();
		ev.preventDefault();
		clearErrors(form);
		if (!value) {
			showErrors(form, { token: ['Paste a token first.'] });
			return;
		}
		sessionStorage.setItem(TOKEN, value);
		sessionStorage.setItem(ORIGIN, 'pasted');
		$('token-input').value = '';
		api('GET', '/api-keys').then(function (r) {
			if (r && r.status === 200) {
				notice('Signed in with the token.');
				signedIn('pasted', value);
			}
		});
	});

	$('signout').addEventListener('click', function () {
		/* Only a token this page made is deleted: a pasted one may be
		 * in use elsewhere. */
		var done = function () { signedOut('Signed out.'); };
		if (sessionStorage.getItem(ORIGIN) === 'login')
			api('POST', '/logout').then(done, done);
		else
			done();
	});

	/* ------------------------------------------------------------ navigation */

	function view(name) {
		show('view-keys', name === 'keys');
		show('view-hooks', name === 'hooks');
		show('view-secret', name === 'secret');
		$('nav-keys').setAttribute('aria-current', name === 'keys' ? 'page' : 'false');
		$('nav-hooks').setAttribute('aria-current', name === 'hooks' ? 'page' : 'false');
	}
	$('nav-keys').addEventListener('click', function () { showKeys(); });
	$('nav-hooks').addEventListener('click', function () { showHooks(); });

	/* -------------------------------------------------------- confirmation */

	/* Asks before something that cannot be undone; lines say what is
	 * lost.  Resolves true when confirmed. */
	function confirmAction(title, lines, okLabel) {
		var dlg = $('confirm'), box = $('confirm-text'), back = document.activeElement;
		$('confirm-title').textContent = title;
		box.textContent = '';
		lines.forEach(function (line) {
			if (Array.isArray(line)) {
				var ul = el('ul');
				line.forEach(function (item) { ul.appendChild(el('li', item)); });
				box.appendChild(ul);
			} else {
				box.appendChild(el('p', line));
			}
		});
		$('confirm-ok').textContent = okLabel;
		dlg.returnValue = '';
		return new Promise(function (resolve) {
			dlg.addEventListener('close', function onClose() {
				dlg.removeEventListener('close', onClose);
				if (back && back.focus && document.contains(back))
					back.focus();
				resolve(dlg.returnValue === 'ok');
			});
			dlg.showModal();
			$('confirm-cancel').focus();
		});
	}

	/* -------------------------------------------------------- the secret */

	function showSecret(title, pairs) {
		var dl = $('secret-values'), secret = '';
		dl.textContent = '';
		pairs.forEach(function (p) {
			var dd = el('dd'), input = el('input');
			input.readOnly = true;
			input.value = p[1];
			input.id = 'secret-value-' + p[0].toLowerCase().replace(/[^a-z]+/g, '-');
			input.setAttribute('aria-label', p[0]);
			input.spellcheck = false;
			dl.appendChild(el('dt', p[0]));
			dd.appendChild(input);
			dl.appendChild(dd);
			if (p[2])
				secret = p[1];
		});
		$('secret-copy').dataset.target = secret;
		$('secret-title').textContent = title;
		$('secret-copied').textContent = '';
		view('secret');
		$('secret-title').focus();
	}

	$('secret-copy').addEventListener('click', function () {
		var inputs = $('secret-values').querySelectorAll('input');
		var value = $('secret-copy').dataset.target, target = null, i;
		for (i = 0; i < inputs.length; i++)
			if (inputs[i].value === value)
				target = inputs[i];
		function copied() { $('secret-copied').textContent = 'The secret is on the clipboard.'; }
		function fallback() {
			if (target) {
				target.select();
				try {
					if (document.execCommand('copy')) { copied(); return; }
				} catch (e) { /* below */ }
			}
			$('secret-copied').textContent = 'Copying failed: the secret is selected, copy it with your keyboard.';
		}
		if (navigator.clipboard && window.isSecureContext)
			navigator.clipboard.writeText(value).then(copied, fallback);
		else
			fallback();
	});

	$('secret-done').addEventListener('click', function () {
		$('secret-values').textContent = '';
		$('secret-copy').dataset.target = '';
		/* The focus goes where the list is, not back to the page's top. */
		if (state.afterSecret === 'hooks')
			showHooks().then(function () { $('hooks-title').focus(); });
		else
			showKeys().then(function () { $('keys-title').focus(); });
	});

	/* ---------------------------------------------------------------- keys */

	function keyState(k, now) {
		var exp = k.expires_at ? Date.parse(k.expires_at) : Infinity;
		if (k.revoked_at)
			return { word: 'revoked', text: 'Revoked' };
		if (k.rotated_to) {
			if (exp > now)
				return { word: 'rotated', text: 'Rotated, works until ' + fmtTime(k.expires_at) };
			return { word: 'rotated', text: 'Rotated' };
		}
		if (exp <= now)
			return { word: 'expired', text: 'Expired' };
		if (k.enabled === false)
			return { word: 'disabled', text: 'Disabled' };
		if (exp - now < 30 * DAY)
			return { word: 'expiring', text: 'Expiring in ' + Math.max(0, Math.floor((exp - now) / DAY)) + ' days' };
		return { word: 'active', text: 'Active' };
	}
	function keyName(k) { return k.name === null || k.name === undefined ? '(no name)' : k.name; }
	function isLive(k) {
		var s = keyState(k, Date.now()).word;
		return s === 'active' || s === 'expiring' || s === 'disabled';
	}

	function showKeys() {
		view('keys');
		return loadKeys();
	}

	function loadKeys() {
		return api('GET', '/api-keys').then(function (r) {
			if (!r)
				return false;
			state.keys = (r.body && r.body.data) || [];
			renderKeys();
			return true;
		});
	}

	function cell(row, label, content) {
		var td = el('td');
		td.dataset.label = label;
		if (content instanceof Node)
			td.appendChild(content);
		else
			td.textContent = content;
		row.appendChild(td);
		return td;
	}

	function renderKeys() {
		var body = $('keys-body'), now = Date.now();
		body.textContent = '';
		state.keys.forEach(function (k) {
			var tr = el('tr'), st = keyState(k, now), acts = el('div', null, 'row-actions');
			var open = el('button', 'Open'), revoke;
			tr.dataset.keyId = k.id;
			cell(tr, 'Name', keyName(k));
			cell(tr, 'Key', el('code', k.key));
			cell(tr, 'State', el('span', st.text, 'state state-' + st.word));
			cell(tr, 'Expires', fmtTime(k.expires_at));
			cell(tr, 'Last used', k.last_used_at ? fmtTime(k.last_used_at) : 'Never');
			open.type = 'button';
			open.className = 'open-key';
			open.setAttribute('aria-label', 'Open key ' + keyName(k));
			open.addEventListener('click', function () { openKey(k.id); });
			acts.appendChild(open);
			if (!k.revoked_at) {
				revoke = el('button', 'Revoke…', 'danger revoke-key');
				revoke.type = 'button';
				revoke.setAttribute('aria-label', 'Revoke key ' + keyName(k));
				revoke.addEventListener('click', function () { revokeKey(k); });
				acts.appendChild(revoke);
			}
			cell(tr, 'Actions', acts);
			body.appendChild(tr);
		});
		show('keys-empty', state.keys.length === 0);
	}

	function splitList(text) {
		return text.split(/[\s,]+/).filter(function (s) { return s !== ''; });
	}
	function toUtc(local) { return local ? local + (local.length === 16 ? ':00Z' : 'Z') : null; }
	function fromUtc(iso) { return iso ? String(iso).slice(0, 16) : ''; }
	function intOrNull(v) { return v === '' ? null : Number(v); }

	$('create-form').addEventListener('submit', function (ev) {
		var form = ev.target, body = { name: $('create-name').value };
		var limit = $('create-rate-limit').value, win = $('create-rate-window').value;
		ev.preventDefault();
		clearErrors(form);
		if ($('create-expires').value)
			body.expires_at = toUtc($('create-expires').value);
		if ($('create-permissions').value.trim())
			body.permissions = splitList($('create-permissions').value);
		if (limit !== '' || win !== '')
			body.rate_limit = { limit: intOrNull(limit), window_seconds: intOrNull(win) };
		if ($('create-remaining').value !== '')
			body.remaining_uses = Number($('create-remaining').value);
		if ($('create-ips').value.trim())
			body.allowed_ips = splitList($('create-ips').value);
		api('POST', '/api-keys', body).then(function (r) {
			if (!r)
				return;
			if (r.status === 201) {
				form.reset();
				$('create-box').open = false;
				state.afterSecret = 'keys';
				showSecret('Key “' + r.body.data.name + '” created: copy its secret now', [
					['Key', r.body.data.key], ['Secret', r.body.data.secret, true]]);
			} else if (r.status === 422) {
				showErrors(form, r.body.errors);
			} else {
				problem(r.body.message || ('Creating the key failed (' + r.status + ').'));
			}
		});
	});

	$('keys-refresh').addEventListener('click', function () {
		loadKeys().then(function (ok) {
			if (ok)
				notice('The list is up to date.');
		});
	});

	$('keys-generate').addEventListener('click', function () {
		var doomed = state.keys.map(function (k) { return keyName(k) + ' (' + k.key + ')'; });
		var lines = ['Generate makes one new key and deletes every key you have now.'];
		if (doomed.length) {
			lines.push('These ' + doomed.length + ' keys will be deleted, and every client using them stops working at once:');
			lines.push(doomed);
		}
		lines.push('This cannot be undone.');
		confirmAction('Generate a new key?', lines, 'Delete all and generate').then(function (ok) {
			if (!ok)
				return;
			api('POST', '/api-keys/generate').then(function (r) {
				if (!r)
					return;
				if (r.status === 200 && r.body.data) {
					state.afterSecret = 'keys';
					showSecret('New key generated: copy its secret now', [
						['Key', r.body.data.key], ['Secret', r.body.data.secret, true]]);
				} else {
					problem(r.body.message || ('Generating failed (' + r.status + ').'));
				}
			});
		});
	});

	function revokeKey(k) {
		confirmAction('Revoke “' + keyName(k) + '”?', [
			'The key ' + k.key + ' stops working now, for every client that uses it.',
			'It stays in the list as revoked, with its audit trail and usage. This cannot be undone.'
		], 'Revoke the key').then(function (ok) {
			if (!ok)
				return;
			api('DELETE', '/api-keys/' + k.id).then(function (r) {
				if (!r)
					return;
				if (r.status === 200) {
					notice('Key “' + keyName(k) + '” revoked.');
					if (state.current && state.current.id === k.id)
						openKey(k.id);
					else
						loadKeys().then(function () { $('keys-title').focus(); });
				} else {
					problem(r.body.message || ('Revoking failed (' + r.status + ').'));
				}
			});
		});
	}

	/* ----------------------------------------------------------- one key */

	function openKey(id) {
		return loadKeys().then(function (loaded) {
			var k = state.keys.filter(function (x) { return x.id === id; })[0];
			if (!loaded)
				return;
			if (!k) {
				problem('That key is gone.');
				return;
			}
			state.current = k;
			fillDetail(k);
			show('key-detail', true);
			$('detail-title').focus();
			loadEvents(k);
			loadUsage(k);
		});
	}

	function fillDetail(k) {
		var st = keyState(k, Date.now()), live = !k.revoked_at && !k.rotated_to;
		var form = $('settings-form');
		$('detail-title').textContent = 'Key “' + keyName(k) + '”';
		$('detail-summary').textContent = '';
		$('detail-summary').appendChild(el('code', k.key));
		$('detail-summary').appendChild(document.createTextNode(' · ' + st.text +
			' · secret ' + (k.secret_hint || 'hint not kept') + ' · created ' + fmtTime(k.created_at)));
		clearErrors(form);
		clearErrors($('rotate-form'));
		$('set-name').value = k.name || '';
		$('set-enabled').checked = k.enabled !== false;
		$('set-expires').value = fromUtc(k.expires_at);
		$('set-permissions').value = (k.permissions || []).join(' ');
		$('set-rate-limit').value = k.rate_limit ? k.rate_limit.limit : '';
		$('set-rate-window').value = k.rate_limit ? k.rate_limit.window_seconds : '';
		$('set-remaining').value = k.remaining_uses === null || k.remaining_uses === undefined ? '' : k.remaining_uses;
		$('set-ips').value = (k.allowed_ips || []).join(' ');
		/* What the form showed, to send only what the user changed. */
		state.shown = {};
		[].forEach.call(form.querySelectorAll('input'), function (i) {
			state.shown[i.id] = i.type === 'checkbox' ? i.checked : i.value;
		});
		[].forEach.call(form.querySelectorAll('input, button'), function (i) { i.disabled = !live; });
		$('rotate-submit').disabled = !live || st.word === 'expired';
		$('rotate-grace').disabled = $('rotate-submit').disabled;
		show('detail-revoke', !k.revoked_at);
	}

	function changed(id) {
		var i = $(id);
		return (i.type === 'checkbox' ? i.checked : i.value) !== state.shown[id];
	}

	$('settings-form').addEventListener('submit', function (ev) {
		var form = ev.target, k = state.current, body = {};
		ev.preventDefault();
		clearErrors(form);
		if (changed('set-name'))
			body.name = $('set-name').value;
		if (changed('set-expires'))
			body.expires_at = toUtc($('set-expires').value) || '';
		if (changed('set-permissions'))
			body.permissions = splitList($('set-permissions').value);
		if (changed('set-enabled'))
			body.enabled = $('set-enabled').checked;
		if (changed('set-rate-limit') || changed('set-rate-window')) {
			if ($('set-rate-limit').value === '' && $('set-rate-window').value === '')
				body.rate_limit = null;
			else
				body.rate_limit = { limit: intOrNull($('set-rate-limit').value),
					window_seconds: intOrNull($('set-rate-window').value) };
		}
		if (changed('set-remaining'))
			body.remaining_uses = intOrNull($('set-remaining').value);
		if (changed('set-ips')) {
			var ips = splitList($('set-ips').value);
			body.allowed_ips = ips.length ? ips : null;
		}
		if (Object.keys(body).length === 0) {
			notice('Nothing to save: no setting was changed.');
			return;
		}
		api('PATCH', '/api-keys/' + k.id, body).then(function (r) {
			if (!r)
				return;
			if (r.status === 200) {
				notice('Settings of “' + keyName(r.body.data) + '” saved.');
				openKey(k.id);
			} else if (r.status === 422) {
				showErrors(form, r.body.errors);
			} else {
				problem(r.body.message || ('Saving failed (' + r.status + ').'));
			}
		});
	});

	$('rotate-form').addEventListener('submit', function (ev) {
		var form = ev.target, k = state.current, grace = Number($('rotate-grace').value);
		var sel = $('rotate-grace'), when = sel.options[sel.selectedIndex].textContent;
		ev.preventDefault();
		clearErrors(form);
		confirmAction('Rotate “' + keyName(k) + '”?', [
			'A new key and secret replace ' + k.key + '.',
			grace === 0 ? 'The old key stops working now: every client must switch to the new secret at once.' :
				'The old key keeps working for ' + when + ', then stops: switch your clients before then.',
			'The new secret is shown once.'
		], 'Rotate the key').then(function (ok) {
			if (!ok)
				return;
			api('POST', '/api-keys/' + k.id + '/rotate', { grace_seconds: grace }).then(function (r) {
				if (!r)
					return;
				if (r.status === 201) {
					state.afterSecret = 'keys';
					state.current = null;
					show('key-detail', false);
					showSecret('Key “' + keyName(r.body.data) + '” rotated: copy the new secret now', [
						['New key', r.body.data.key], ['New secret', r.body.data.secret, true]]);
				} else if (r.status === 422) {
					showErrors(form, r.body.errors);
				} else {
					problem(r.body.message || ('Rotating failed (' + r.status + ').'));
				}
			});
		});
	});

	$('detail-revoke').addEventListener('click', function () { revokeKey(state.current); });
	$('detail-close').addEventListener('click', function () {
		state.current = null;
		show('key-detail', false);
		$('keys-title').focus();
	});

	function loadEvents(k) {
		var body = $('events-body');
		body.textContent = '';
		api('GET', '/api-keys/' + k.id + '/events').then(function (r) {
			if (!r || r.status !== 200)
				return;
			r.body.data.forEach(function (e) {
				var tr = el('tr');
				cell(tr, 'When', fmtTime(e.created_at));
				cell(tr, 'Action', e.action);
				cell(tr, 'By', e.actor);
				cell(tr, 'From', e.ip === null ? '—' : e.ip);
				cell(tr, 'Details', e.details === null ? '—' : JSON.stringify(e.details));
				body.appendChild(tr);
			});
		});
	}

	/* ------------------------------------------------------------- usage */

	function usageRange(gran) {
		var to = new Date(), from = new Date(to.getTime() - (gran === 'day' ? 30 * DAY : DAY));
		return '?granularity=' + gran + '&from=' + encodeURIComponent(from.toISOString()) +
			'&to=' + encodeURIComponent(to.toISOString());
	}

	function loadUsage(k) {
		var gran = $('usage-granularity').value;
		$('usage-status').textContent = 'Loading the usage…';
		api('GET', '/api-keys/' + k.id + '/usage' + usageRange(gran)).then(function (r) {
			if (!r)
				return;
			if (r.status === 404 && r.body.message === 'Not Found.') {
				$('usage-status').textContent = 'This server does not count usage yet.';
				drawUsage(null);
				return;
			}
			if (r.status !== 200) {
				$('usage-status').textContent = r.body.message || ('The usage could not be read (' + r.status + ').');
				drawUsage(null);
				return;
			}
			var t = r.body.data.totals, total = 0;
			OUTCOMES.forEach(function (o) { total += t[o] || 0; });
			$('usage-status').textContent = total + ' verifications from ' + fmtTime(r.body.data.from) +
				' to ' + fmtTime(r.body.data.to) + ', ' + (t.valid || 0) + ' valid.';
			drawUsage(r.body.data);
		});
	}

	function drawUsage(data) {
		var table = $('usage-table'), head = table.tHead, body = table.tBodies[0], tr;
		head.textContent = '';
		body.textContent = '';
		if (state.chart) {
			state.chart.destroy();
			state.chart = null;
		}
		show('usage-chart-box', !!data);
		if (!data)
			return;
		var labels = data.buckets.map(function (b) {
			return data.granularity === 'day' ? String(b.start).slice(5, 10) : String(b.start).slice(11, 16);
		});
		tr = el('tr');
		tr.appendChild(el('th', data.granularity === 'day' ? 'Day (UTC)' : 'Hour (UTC)'));
		OUTCOMES.forEach(function (o) { var th = el('th', OUTCOME_LABELS[o]); th.scope = 'col'; tr.appendChild(th); });
		head.appendChild(tr);
		data.buckets.forEach(function (b) {
			var row = el('tr'), th = el('th', fmtTime(b.start));
			th.scope = 'row';
			row.appendChild(th);
			OUTCOMES.forEach(function (o) { row.appendChild(el('td', b[o] || 0)); });
			body.appendChild(row);
		});
		if (typeof window.Chart !== 'function') {
			$('usage-status').textContent += ' (The chart library is missing: the figures are in the table.)';
			show('usage-chart-box', false);
			return;
		}
		state.chart = new window.Chart($('usage-chart'), {
			type: 'bar',
			data: {
				labels: labels,
				datasets: OUTCOMES.map(function (o, i) {
					return { label: OUTCOME_LABELS[o], data: data.buckets.map(function (b) { return b[o] || 0; }),
						backgroundColor: OUTCOME_COLOURS[i], stack: 'all' };
				})
			},
			options: {
				animation: false, responsive: true, maintainAspectRatio: false,
				scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
				plugins: { legend: { position: 'bottom' } }
			}
		});
	}

	$('usage-granularity').addEventListener('change', function () {
		if (state.current)
			loadUsage(state.current);
	});

	/* ----------------------------------------------------------- webhooks */

	(function buildEventChoices() {
		var box = $('hook-events'), err = box.querySelector('[data-error-for]');
		['*'].concat(HOOK_EVENTS).forEach(function (type) {
			var div = el('div', null, 'check'), input = el('input'), label;
			input.type = 'checkbox';
			input.name = 'events';
			input.value = type;
			input.id = 'hook-event-' + (type === '*' ? 'all' : type.replace('.', '-'));
			label = el('label', type === '*' ? 'All events (*)' : type);
			label.htmlFor = input.id;
			div.appendChild(input);
			div.appendChild(label);
			box.insertBefore(div, err);
		});
	})();

	function showHooks() {
		view('hooks');
		show('deliveries', false);
		return loadHooks();
	}

	function loadHooks() {
		var body = $('hooks-body');
		return api('GET', '/webhooks').then(function (r) {
			body.textContent = '';
			if (!r)
				return;
			if (r.status === 404) {
				$('hooks-status').textContent = 'This server does not send webhooks yet.';
				show('hook-create-box', false);
				return;
			}
			show('hook-create-box', true);
			var hooks = (r.body && r.body.data) || [];
			$('hooks-status').textContent = hooks.length ? '' : 'No webhooks yet.';
			hooks.forEach(function (h) {
				var tr = el('tr'), acts = el('div', null, 'row-actions');
				cell(tr, 'URL', el('code', h.url));
				cell(tr, 'Events', (h.events || []).join(', '));
				cell(tr, 'Secret ends in', h.secret_hint);
				cell(tr, 'Created', fmtTime(h.created_at));
				acts.appendChild(button('Deliveries', 'Deliveries of ' + h.url, function () { loadDeliveries(h); }));
				acts.appendChild(button('Send a test', 'Send a test to ' + h.url, function () { testHook(h); }));
				acts.appendChild(button('Delete…', 'Delete the webhook ' + h.url, function () { deleteHook(h); }, 'danger'));
				cell(tr, 'Actions', acts);
				body.appendChild(tr);
			});
		});
	}

	function button(text, label, fn, cls) {
		var b = el('button', text, cls);
		b.type = 'button';
		b.setAttribute('aria-label', label);
		b.addEventListener('click', fn);
		return b;
	}

	$('hook-form').addEventListener('submit', function (ev) {
		var form = ev.target, events = [];
		ev.preventDefault();
		clearErrors(form);
		[].forEach.call(form.querySelectorAll('input[name="events"]:checked'), function (i) { events.push(i.value); });
		api('POST', '/webhooks', { url: $('hook-url').value, events: events }).then(function (r) {
			if (!r)
				return;
			if (r.status === 201) {
				form.reset();
				state.afterSecret = 'hooks';
				showSecret('Webhook added: copy its signing secret now', [
					['URL', r.body.data.url], ['Signing secret', r.body.data.secret, true]]);
			} else if (r.status === 422) {
				showErrors(form, r.body.errors);
			} else {
				problem(r.body.message || ('Adding the webhook failed (' + r.status + ').'));
			}
		});
	});

	function testHook(h) {
		api('POST', '/webhooks/' + h.id + '/test').then(function (r) {
			if (r && r.status === 202)
				notice('A test event is queued for ' + h.url + '.');
			else if (r)
				problem(r.body.message || ('The test failed (' + r.status + ').'));
		});
	}

	function deleteHook(h) {
		confirmAction('Delete this webhook?', [
			h.url + ' will no longer be told of changes to your keys.',
			'Its pending deliveries are dropped. This cannot be undone.'
		], 'Delete the webhook').then(function (ok) {
			if (!ok)
				return;
			api('DELETE', '/webhooks/' + h.id).then(function (r) {
				if (r && r.status === 200) {
					notice('Webhook deleted.');
					showHooks();
				} else if (r) {
					problem(r.body.message || ('Deleting failed (' + r.status + ').'));
				}
			});
		});
	}

	function loadDeliveries(h) {
		var body = $('deliveries-body');
		api('GET', '/webhooks/' + h.id + '/deliveries').then(function (r) {
			body.textContent = '';
			if (!r || r.status !== 200) {
				if (r)
					problem(r.body.message || ('The deliveries could not be read (' + r.status + ').'));
				return;
			}
			$('deliveries-title').textContent = 'Deliveries to ' + h.url;
			r.body.data.forEach(function (d) {
				var tr = el('tr');
				cell(tr, 'Event', d.event_id);
				cell(tr, 'Type', d.type);
				cell(tr, 'State', d.state);
				cell(tr, 'Attempts', d.attempts);
				cell(tr, 'Last status', d.last_status === null ? '—' : d.last_status);
				cell(tr, 'Last error', d.last_error === null ? '—' : d.last_error);
				cell(tr, 'Next attempt', fmtTime(d.next_attempt_at));
				cell(tr, 'Created', fmtTime(d.created_at));
				body.appendChild(tr);
			});
			if (!r.body.data.length)
				body.appendChild(el('tr')).appendChild(el('td', 'No deliveries yet.')).colSpan = 8;
			show('deliveries', true);
			$('deliveries-title').focus();
		});
	}

	/* ------------------------------------------------------------- start */

	if (token()) {
		show('view-signin', false);
		show('nav', true);
		showKeys();
	} else {
		signedOut('');
	}
})();
