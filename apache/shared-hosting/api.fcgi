#!/bin/sh
# api.fcgi: starts apikeys on shared hosting with its settings file kept outside the document root.
# Edit the two paths; the settings file must be mode 600 (it holds the
# database password and the pepper).  exec keeps the FastCGI socket that
# mod_fcgid hands over on standard input.
APIKEYS_CONFIG=@CONFIG@
export APIKEYS_CONFIG
exec @PROGRAM@
