#!/bin/sh
# api.fcgi: starts the apikeys program of the hosting bundle with its settings, both kept outside the document root.
# The program and its settings are in the folder "apikeys" beside the
# document root: for a document root ~/public_html, in ~/apikeys.  If you
# put them elsewhere, set APP to that folder's full path.  exec keeps the
# FastCGI socket that mod_fcgid hands over on standard input.
APP=${0%/*}/../apikeys
APIKEYS_CONFIG=$APP/apikeys.conf
export APIKEYS_CONFIG
exec "$APP/apikeys.fcgi"
