<?php
// validate.php: the contract's body rules (create, PATCH, rotate, verify)
// written for Laravel's own Validator; reads the generator's lines on
// standard input and writes, for each, what a Laravel application with
// these rules answers: {"status": "400", "message": ...},
// {"status": "422", "errors": [[key, message], ...]} or {"status": "pass"}.
//
// Where the contract's rule is not one of Laravel's (a JSON integer, not
// "5" or 5.0; an RFC 3339 time; an address range; a repeat counted only
// from the second occurrence), it is a closure or a rule object with the
// contract's message; everything else (the order of fields and items,
// wildcard items, bail, "max" for strings and arrays, the messages'
// attributes) is Laravel's.
require_once 'Illuminate/autoload.php';

use Illuminate\Contracts\Validation\ImplicitRule;
use Illuminate\Filesystem\Filesystem;
use Illuminate\Translation\FileLoader;
use Illuminate\Translation\Translator;
use Illuminate\Validation\Factory;
use Illuminate\Validation\Validator;

const TOO_COMPLEX = 'The request body is too complex.';
const NOT_OBJECT = 'The request body must be a JSON object.';
const ITEMS_KEPT = 33;	// the body reader keeps the first 33 items of a list

// A JSON object inside the body: readable by the Validator's dotted keys
// (rate_limit.limit), yet not an array for its "array" rule.
final class JsonObject extends ArrayObject
{
}

// A string the Validator would take for absent: Laravel runs only the
// implicit rules on a blank string ("", "  "), the contract checks it like
// any other value ("" is not an array, not a date; "" fails a pattern).
final class BlankString
{
    public $text;

    public function __construct(string $text)
    {
        $this->text = $text;
    }
}

// Objects as JsonObject, blank strings marked (except the name's, which
// Laravel's "required" answers as the contract does).
function prepare($v, bool $top = false)
{
    if ($v instanceof stdClass || is_array($v)) {
        $out = [];
        foreach ($v as $k => $item) {
            $out[$k] = ($top && $k === 'name') ? $item : prepare($item);
        }
        return ($v instanceof stdClass && !$top) ? new JsonObject($out) : $out;
    }
    return (is_string($v) && trim($v) === '') ? new BlankString($v) : $v;
}

// A member of rate_limit: checked only when rate_limit is an object, and
// then required (an implicit rule runs on an absent member too).
final class RateMember implements ImplicitRule
{
    private $max;
    private $data;

    public function __construct(array &$data, int $max)
    {
        $this->data = &$data;
        $this->max = $max;
    }

    public function passes($attribute, $value)
    {
        if (!(($this->data['rate_limit'] ?? null) instanceof JsonObject)) {
            return true;
        }
        return is_int($value) && $value >= 1 && $value <= $this->max;
    }

    public function message()
    {
        return 'The :attribute field must be an integer between 1 and ' . $this->max . '.';
    }
}

function integer_between(int $min, int $max): Closure
{
    return function ($attribute, $value, $fail) use ($min, $max) {
        if (!is_int($value) || $value < $min || $value > $max) {
            $fail("The :attribute field must be an integer between $min and $max.");
        }
    };
}

function rfc3339(): Closure
{
    return function ($attribute, $value, $fail) {
        $re = '/^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/D';
        if (!is_string($value) || !preg_match($re, $value, $m) || (int)$m[1] < 1 ||
            !checkdate((int)$m[2], (int)$m[3], (int)$m[1]) || (int)$m[4] > 23 ||
            (int)$m[5] > 59 || (int)$m[6] > 59 ||
            (isset($m[9]) && $m[9] !== '' && ((int)$m[9] > 23 || (int)$m[10] > 59))) {
            $fail('The :attribute field must be a valid date.');
        }
    };
}

function ip_or_range(): Closure
{
    return function ($attribute, $value, $fail) {
        $ok = false;
        if (is_string($value) && strlen($value) <= 64) {
            $parts = explode('/', $value);
            $v4 = filter_var($parts[0], FILTER_VALIDATE_IP, FILTER_FLAG_IPV4) !== false;
            $v6 = filter_var($parts[0], FILTER_VALIDATE_IP, FILTER_FLAG_IPV6) !== false;
            if (count($parts) === 1) {
                $ok = $v4 || $v6;
            } elseif (count($parts) === 2 && preg_match('/^(0|[1-9]\d{0,2})$/D', $parts[1])) {
                $ok = ($v4 && (int)$parts[1] <= 32) || ($v6 && (int)$parts[1] <= 128);
            }
        }
        if (!$ok) {
            $fail('The :attribute field must be a valid IP address or range.');
        }
    };
}

// permissions.N: a repeat of an earlier item (the first one passes).
function not_repeated(array &$data, string $list): Closure
{
    return function ($attribute, $value, $fail) use (&$data, $list) {
        $i = (int)substr($attribute, strlen($list) + 1);
        for ($j = 0; $j < $i; $j++) {
            if ($data[$list][$j] === $value) {
                $fail('The :attribute field has a duplicate value.');
                return;
            }
        }
    };
}

function an_object(): Closure
{
    return function ($attribute, $value, $fail) {
        if (!($value instanceof JsonObject)) {
            $fail('The :attribute field must be an object.');
        }
    };
}

function a_bool(): Closure
{
    return function ($attribute, $value, $fail) {
        if (!is_bool($value)) {
            $fail('The :attribute field must be true or false.');
        }
    };
}

// verify's permissions: at most 32 strings of at most 64 bytes, no NUL;
// anything else is "must be an array" (contract 8.8).
function string_list(): Closure
{
    return function ($attribute, $value, $fail) {
        $ok = is_array($value) && count($value) <= 32;
        foreach ($ok ? $value : [] as $item) {
            $text = $item instanceof BlankString ? $item->text : $item;
            $ok = $ok && is_string($text) && strlen($text) <= 64 && strpos($text, "\0") === false;
        }
        if (!$ok) {
            $fail('The :attribute field must be an array.');
        }
    };
}

// The rules of a route, in groups: a list and its items form one group.
// Laravel puts the items of every wildcard rule after all the plain
// fields; the contract puts a list's items right after the list (8.2's
// field order), so each group is validated on its own and the errors are
// joined in group order.
function rules(string $ep, array &$data): array
{
    $name = ['bail', 'nullable', 'string', 'required', 'max:50', 'regex:/^\P{Cc}*$/u'];
    $expires = ['bail', 'nullable', rfc3339(), 'after:now', 'before_or_equal:+5 years'];
    $perms = [
        'permissions' => ['bail', 'nullable', 'array', 'max:32'],
        'permissions.*' => ['bail', 'string', 'regex:/^[a-z0-9_.:-]{1,64}$/D',
            not_repeated($data, 'permissions')],
    ];
    $settings = [
        ['rate_limit' => ['bail', 'nullable', an_object()],
            'rate_limit.limit' => [new RateMember($data, 1000000)],
            'rate_limit.window_seconds' => [new RateMember($data, 86400)]],
        ['remaining_uses' => ['bail', 'nullable', integer_between(0, 1000000000000)]],
        ['allowed_ips' => ['bail', 'nullable', 'array', 'max:32'],
            'allowed_ips.*' => [ip_or_range()]],
    ];
    switch ($ep) {
    case 'create':
        return array_merge([['name' => $name], ['expires_at' => $expires], $perms], $settings);
    case 'patch':
        array_splice($name, 1, 0, ['sometimes']);
        $expires[1] = 'sometimes';	// null is not a date in a PATCH
        return array_merge([['name' => $name], ['expires_at' => $expires], $perms,
            ['enabled' => [a_bool()]]], $settings);
    case 'rotate':
        return [['grace_seconds' => ['bail', 'nullable', integer_between(0, 604800)]],
            ['expires_at' => $expires]];
    default:
        return [['permissions' => ['bail', 'nullable', string_list()]],
            ['client_ip' => ['bail', 'nullable', 'ip']],
            ['cost' => ['bail', 'nullable', integer_between(0, 1000)]]];
    }
}

// Levels of arrays and objects (the root is one) and the largest
// object's members.
function complexity($v, int $depth, int &$levels, int &$members): void
{
    if ($v instanceof stdClass) {
        $members = max($members, count(get_object_vars($v)));
    }
    if (is_array($v) || $v instanceof stdClass) {
        $levels = max($levels, $depth);
        foreach ($v as $item) {
            complexity($item, $depth + 1, $levels, $members);
        }
    }
}

// What a Laravel application's TrimStrings does to the name (Unicode blanks).
function trim_text(string $s): string
{
    $blank = '[\x{09}-\x{0d}\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200b}\x{200e}\x{2028}' .
        '\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]';
    return preg_replace("/^$blank+|$blank+\$/u", '', $s);
}

function answer(Factory $factory, string $ep, string $body): array
{
    $doc = json_decode($body, false, 4096);
    if (json_last_error() !== JSON_ERROR_NONE) {
        return $ep === 'verify' ? ['status' => 'pass'] : ['status' => '400', 'message' => NOT_OBJECT];
    }
    $levels = 0;
    $members = 0;
    complexity($doc, 1, $levels, $members);
    if ($levels > 32 || $members > 64) {
        return ['status' => '400', 'message' => TOO_COMPLEX];
    }
    if (!($doc instanceof stdClass)) {
        return $ep === 'verify' ? ['status' => 'pass'] : ['status' => '400', 'message' => NOT_OBJECT];
    }
    $data = prepare($doc, true);
    if (isset($data['name']) && is_string($data['name'])) {
        $data['name'] = trim_text($data['name']);
    }
    foreach (['permissions', 'allowed_ips'] as $list) {
        if (isset($data[$list]) && is_array($data[$list]) && $ep !== 'verify') {
            $data[$list] = array_slice($data[$list], 0, ITEMS_KEPT);
        }
    }
    $errors = [];
    foreach (rules($ep, $data) as $group) {
        $v = $factory->make($data, $group, [
            'permissions.*.string' => 'The :attribute field format is invalid.',
            'expires_at.after' => 'The :attribute field must be a date after now.',
            'expires_at.before_or_equal' =>
                'The :attribute field must be a date before or equal to 5 years from now.',
        ], [
            'rate_limit.limit' => 'rate_limit.limit',
            'rate_limit.window_seconds' => 'rate_limit.window_seconds',
        ]);
        foreach ($v->errors()->toArray() as $key => $messages) {
            foreach ($messages as $m) {
                $errors[] = [(string)$key, $m];
            }
        }
    }
    if ($errors === []) {
        return ['status' => 'pass'];
    }
    return ['status' => '422', 'errors' => $errors];
}

// ------------------------------------------------------------ section 9

// A time of the usage query in microseconds since 1970 (UTC), or null: the
// same RFC 3339 rule as expires_at (9.1 says "as expires_at").
function rfc3339_us($value): ?int
{
    $ok = true;
    rfc3339()('t', $value, function () use (&$ok) {
        $ok = false;
    });
    if (!$ok) {
        return null;
    }
    preg_match('/^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|([+-])(\d{2}):(\d{2}))$/D',
        $value, $m);
    $days = gregoriantojd((int)$m[2], (int)$m[3], (int)$m[1]) - 2440588;
    $sec = $days * 86400 + (int)$m[4] * 3600 + (int)$m[5] * 60 + (int)$m[6];
    if (isset($m[9]) && $m[9] !== '') {
        $sec -= ($m[9] === '-' ? -1 : 1) * ((int)$m[10] * 3600 + (int)$m[11] * 60);
    }
    $frac = isset($m[7]) ? (int)str_pad(substr($m[7], 0, 6), 6, '0') : 0;
    return $sec * 1000000 + $frac;
}

// The query as 9.1 reads it: pairs split on "&", name and value
// percent-decoded with "+" a space (PHP's urldecode does both), the last
// of a repeated name kept, an unknown name ignored. Not PHP's parse_str:
// that one also drops a name's leading blanks, turns "." and " " into "_"
// and makes "from[]" an array, none of which the contract does (a name
// is the decoded text, and "from[]" is an unknown parameter).
function query_params(string $q): array
{
    $out = [];
    foreach ($q === '' ? [] : explode('&', $q) as $pair) {
        $eq = strpos($pair, '=');
        $name = urldecode($eq === false ? $pair : substr($pair, 0, $eq));
        if (in_array($name, ['from', 'to', 'granularity'], true)) {
            $value = $eq === false ? '' : urldecode(substr($pair, $eq + 1));
            // An empty value is null, as Laravel's ConvertEmptyStringsToNull
            // makes an empty form field; null is absent for these optional
            // parameters. Laravel's TrimStrings is not applied: 9.1 decodes
            // "+" to a space that stays in the value, and a value with a
            // blank around it is not RFC 3339.
            $out[$name] = $value === '' ? null : $value;
        }
    }
    return $out;
}

const HOUR_US = 3600000000;
const DAY_US = 86400000000;

function floor_div(int $a, int $b): int
{
    return intdiv($a, $b) - (($a % $b !== 0 && (($a < 0) !== ($b < 0))) ? 1 : 0);
}

// 9.1's "to": its own date rule, then "after from" (only when from is
// valid; the defaults count: to is now, from 24 hours before to), then the
// number of buckets (only with a valid granularity). An implicit rule, for
// the defaults make "after from" apply to an absent "to" too. Times are
// compared to the microsecond: two RFC 3339 instants, not Laravel's
// strtotime seconds (see native_usage for what that changes).
final class UsageTo implements ImplicitRule
{
    private $data;
    private $now;
    private $msg = '';

    public function __construct(array $data, int $now)
    {
        $this->data = $data;
        $this->now = $now;
    }

    public function passes($attribute, $value)
    {
        $to = $this->now;
        if ($value !== null) {
            if (($to = rfc3339_us($value)) === null) {
                $this->msg = 'The :attribute field must be a valid date.';
                return false;
            }
        }
        $fromText = $this->data['from'] ?? null;
        $from = $fromText === null ? $to - DAY_US : rfc3339_us($fromText);
        if ($from === null) {
            return true;
        }
        if ($to <= $from) {
            $this->msg = 'The :attribute field must be a date after from.';
            return false;
        }
        $gran = $this->data['granularity'] ?? 'hour';
        if ($gran !== 'hour' && $gran !== 'day') {
            return true;
        }
        $b = $gran === 'day' ? DAY_US : HOUR_US;
        $n = floor_div($to - 1, $b) - floor_div($from, $b) + 1;
        if ($n > ($gran === 'day' ? 400 : 744)) {
            $this->msg = $gran === 'day' ? 'The :attribute field must be at most 400 days after from.'
                : 'The :attribute field must be at most 744 hours after from.';
            return false;
        }
        return true;
    }

    public function message()
    {
        return $this->msg;
    }
}

// A query value of blanks only (" ", "%09", "%00"): Laravel's Validator
// would skip every rule but the implicit ones for it; 9.1 reads it as the
// value it is, which is no date and no granularity. An implicit rule, so
// that it runs.
final class BlankValue implements ImplicitRule
{
    private $msg;

    public function __construct(string $msg)
    {
        $this->msg = $msg;
    }

    public function passes($attribute, $value)
    {
        return !(is_string($value) && $value !== '' && trim($value) === '');
    }

    public function message()
    {
        return $this->msg;
    }
}

function usage_answer(Factory $factory, string $query): array
{
    $data = query_params($query);
    $now = (int)round(microtime(true) * 1000000);
    $v = $factory->make($data, [
        'from' => ['bail', 'nullable', new BlankValue('The :attribute field must be a valid date.'),
            rfc3339()],
        'to' => [new UsageTo($data, $now)],
        'granularity' => ['bail', 'nullable', new BlankValue('The selected :attribute is invalid.'),
            'in:hour,day'],
    ]);
    return errors_answer($v->errors()->toArray());
}

// What Laravel answers with its own rules and middleware, for the report
// only: PHP's parse_str, TrimStrings and ConvertEmptyStringsToNull, then
// from "nullable|date", to "nullable|date|after:from" (strtotime's
// seconds) and "in:hour,day"; the bucket limit as above. Where it differs
// from usage_answer, 9.1 (an RFC 3339 time, a query decoded as it says)
// decides; compare.py lists those inputs, it does not fail on them.
function native_usage(Factory $factory, string $query): array
{
    parse_str($query, $raw);
    $data = [];
    foreach (['from', 'to', 'granularity'] as $k) {
        if (array_key_exists($k, $raw)) {
            $val = is_string($raw[$k]) ? trim($raw[$k]) : $raw[$k];
            $data[$k] = $val === '' ? null : $val;
        }
    }
    $seconds = function ($attribute, $value, $fail) use (&$data) {
        $f = isset($data['from']) && is_string($data['from']) ? strtotime($data['from']) : false;
        $t = strtotime($value);
        $gran = $data['granularity'] ?? 'hour';
        if ($f === false || $t === false || ($gran !== 'hour' && $gran !== 'day')) {
            return;
        }
        $b = $gran === 'day' ? 86400 : 3600;
        if (floor_div($t - 1, $b) - floor_div($f, $b) + 1 > ($gran === 'day' ? 400 : 744)) {
            $fail('The :attribute field must be at most ' . ($gran === 'day' ? '400 days' : '744 hours') .
                ' after from.');
        }
    };
    $v = $factory->make($data, [
        'from' => ['bail', 'nullable', 'date'],
        'to' => ['bail', 'nullable', 'date', 'after:from', $seconds],
        'granularity' => ['bail', 'nullable', 'in:hour,day'],
    ]);
    try {
        return errors_answer($v->errors()->toArray());
    } catch (Throwable $e) {	// after:from with from[]=...: Laravel's 500
        return ['status' => '500'];
    }
}

function errors_answer(array $byKey): array
{
    $errors = [];
    foreach ($byKey as $key => $messages) {
        foreach ($messages as $m) {
            $errors[] = [(string)$key, $m];
        }
    }
    return $errors === [] ? ['status' => 'pass'] : ['status' => '422', 'errors' => $errors];
}

// 9.2's url: a URL by Laravel's "url" rule (its pattern), at most 2048
// characters, without user information or fragment (9.2 says so, Laravel's
// pattern allows both); then https:// (http:// too when the service allows
// it). Both with the contract's messages: it has no "must be a string" or
// "not be greater than" for url, and its https message is its own
// (Laravel's starts_with would say "must start with one of the following").
function webhook_url(Validator $checker, bool $allowHttp): array
{
    return [
        function ($attribute, $value, $fail) use ($checker) {
            if (!is_string($value) || mb_strlen($value, 'UTF-8') > 2048 ||
                !$checker->validateUrl($attribute, $value) ||
                preg_match('~^[^:]+://[^/?#]*@~', $value) || strpos($value, '#') !== false) {
                $fail('The :attribute field must be a valid URL.');
            }
        },
        function ($attribute, $value, $fail) use ($allowHttp) {
            if (stripos($value, 'https://') !== 0 && !($allowHttp && stripos($value, 'http://') === 0)) {
                $fail('The :attribute field must start with https://.');
            }
        },
    ];
}

const EVENT_TYPES = ['key.created', 'key.updated', 'key.rotated', 'key.revoked', 'key.deleted',
    'key.expiring', 'key.leaked', 'key.usage_exhausted', 'webhook.test'];

// The items of events: Laravel's "in", then "distinct:strict" (9.2 says
// distinct event types: "key.created" and true are not the same type, as
// Laravel's loose "distinct" would have them).
function event_item(): Closure
{
    return function ($attribute, $value, $fail) {
        if (!is_string($value) && !is_int($value) && !is_float($value) && !is_bool($value) &&
            $value !== null) {
            $fail('The selected :attribute is invalid.');	// "in" of an array or object
        } elseif (!in_array((string)$value, EVENT_TYPES, true)) {
            $fail('The selected :attribute is invalid.');
        }
    };
}

function webhook_answer(Factory $factory, Validator $checker, string $body, bool $allowHttp): array
{
    $doc = json_decode($body, false, 4096);
    if (json_last_error() !== JSON_ERROR_NONE) {
        return ['status' => '400', 'message' => NOT_OBJECT];
    }
    $levels = 0;
    $members = 0;
    complexity($doc, 1, $levels, $members);
    if ($levels > 32 || $members > 64) {	// 8.9: section 9's bodies too
        return ['status' => '400', 'message' => TOO_COMPLEX];
    }
    if (!($doc instanceof stdClass)) {
        return ['status' => '400', 'message' => NOT_OBJECT];
    }
    $data = [];
    foreach (get_object_vars($doc) as $k => $item) {
        $data[$k] = prepare($item);
    }
    // A blank string is what Laravel's "required" answers (as for the
    // name of create): the mark of prepare() is taken off these members.
    foreach (['url', 'events'] as $k) {
        if (($data[$k] ?? null) instanceof BlankString) {
            $data[$k] = $data[$k]->text;
        }
    }
    $rules = [
        'url' => array_merge(['bail', 'required'], webhook_url($checker, $allowHttp)),
        'events' => ['bail', 'required', 'array', 'max:16'],
    ];
    $items = is_array($data['events'] ?? null) && count($data['events']) <= 16 &&
        $data['events'] !== ['*'];
    $v = $factory->make($data, $rules);
    $errors = $v->errors()->toArray();
    if ($items && !isset($errors['events'])) {
        $w = $factory->make($data, ['events.*' => ['bail', event_item(), 'distinct:strict']],
            ['events.*.distinct' => 'The :attribute field has a duplicate value.']);
        // Laravel lists an item that is itself a non-empty array after
        // all the others (the order of Arr::dot, which flattens it); the
        // contract's lists answer their items in item order (as 8.2's
        // permissions and allowed_ips), so the items are put in that order.
        $items = $w->errors()->toArray();
        uksort($items, function ($a, $b) {
            return (int)substr($a, 7) <=> (int)substr($b, 7);
        });
        $errors = array_merge($errors, $items);
    }
    return errors_answer($errors);
}

// 9.4: email and password, each "required" with that message for a
// missing, null, non-string or blank member (9.4: "a missing or non-string
// member"; blank as Laravel's "required" has it); email first. No format
// rule for the e-mail: 9.4 has none (an unknown or malformed e-mail is the
// credentials' 422, which compare.py takes for a pass).
function login_answer(Factory $factory, string $body): array
{
    $doc = json_decode($body, false, 4096);
    if (json_last_error() !== JSON_ERROR_NONE) {
        return ['status' => '400', 'message' => NOT_OBJECT];
    }
    $levels = 0;
    $members = 0;
    complexity($doc, 1, $levels, $members);
    if ($levels > 32 || $members > 64) {	// 8.9: section 9's bodies too
        return ['status' => '400', 'message' => TOO_COMPLEX];
    }
    if (!($doc instanceof stdClass)) {
        return ['status' => '400', 'message' => NOT_OBJECT];
    }
    $data = [];
    foreach (get_object_vars($doc) as $k => $item) {
        $data[$k] = is_string($item) ? $item : prepare($item);
    }
    $v = $factory->make($data, ['email' => ['bail', 'required', 'string'],
        'password' => ['bail', 'required', 'string']],
        ['string' => 'The :attribute field is required.']);
    return errors_answer($v->errors()->toArray());
}

$translator = new Translator(new FileLoader(new Filesystem(), __DIR__ . '/lang'), 'en');
$factory = new Factory($translator);
$checker = $factory->make([], []);
$allowHttp = getenv('APIKEYS_WEBHOOK_ALLOW_HTTP') === '1';
while (($line = fgets(STDIN)) !== false) {
    $in = json_decode($line, true);
    switch ($in['ep']) {
    case 'usage_key':
    case 'usage':
        $out = usage_answer($factory, $in['body']);
        $out['native'] = native_usage($factory, $in['body']);
        break;
    case 'webhook':
        $out = webhook_answer($factory, $checker, $in['body'], $allowHttp);
        break;
    case 'login':
        $out = login_answer($factory, $in['body']);
        break;
    default:
        $out = answer($factory, $in['ep'], $in['body']);
    }
    echo json_encode($out, JSON_UNESCAPED_SLASHES), "\n";
}
