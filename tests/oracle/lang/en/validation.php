<?php
// lang/en/validation.php: the English messages of the rules the oracle uses,
// in the wording of the contract (Laravel's "The :attribute field ..." form).
// The Debian package of the framework carries no language files (those
// come with an application), so the oracle brings its own, as an
// application does.
return [
    'array' => 'The :attribute field must be an array.',
    'date' => 'The :attribute field must be a valid date.',
    'distinct' => 'The :attribute field has a duplicate value.',
    'in' => 'The selected :attribute is invalid.',
    'ip' => 'The :attribute field must be a valid IP address.',
    'max' => [
        'array' => 'The :attribute field must not have more than :max items.',
        'string' => 'The :attribute field must not be greater than :max characters.',
    ],
    'regex' => 'The :attribute field format is invalid.',
    'required' => 'The :attribute field is required.',
    'string' => 'The :attribute field must be a string.',
    'after' => 'The :attribute field must be a date after :date.',
    'custom' => [],
    'attributes' => [],
];
