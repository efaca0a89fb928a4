#!/bin/sh
# `bundle` in the offline stand-in for ruby:3.1-slim-bookworm: rubygems.org cannot be reached from
# here, so `bundle install` resolves from the gems installed as Debian packages (--local),
# as it would from rubygems.org in the public image. Every other command is Bundler's own.
if [ "$1" = install ]; then
  shift
  exec /usr/bin/bundle install --local "$@"
fi
exec /usr/bin/bundle "$@"
