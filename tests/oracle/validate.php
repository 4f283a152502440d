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

$translator = new Translator(new FileLoader(new Filesystem(), __DIR__ . '/lang'), 'en');
$factory = new Factory($translator);
while (($line = fgets(STDIN)) !== false) {
    $in = json_decode($line, true);
    echo json_encode(answer($factory, $in['ep'], $in['body']), JSON_UNESCAPED_SLASHES), "\n";
}
