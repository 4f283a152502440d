#!/bin/sh
# api.fcgi: starts the apikeys program of the hosting bundle with its settings, both kept outside the document root.
# The program and its settings are in the folder "apikeys" of your home
# folder (where the bundle was unpacked, beside public_html), wherever in
# the document root this starter sits.  If you put them elsewhere, set APP
# to that folder's full path (APP=/home/you/apikeys), never to a folder the
# web can reach.  exec keeps the FastCGI socket that mod_fcgid hands over on
# standard input.
APP=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)/apikeys
# A document root outside the home folder: the folder beside it.
[ -x "$APP/apikeys.fcgi" ] || APP=${0%/*}/../apikeys
APIKEYS_CONFIG=$APP/apikeys.conf
export APIKEYS_CONFIG
exec "$APP/apikeys.fcgi"
