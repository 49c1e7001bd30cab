#!/usr/bin/env sh
# Re-extract messages from the code and merge them into the vi and en catalogues.
# Translate the new entries in locales/*/LC_MESSAGES/messages.po. A checkout reads the .po files as they are;
# a wheel carries them compiled (setup.py), so nothing is ever compiled or written at run time.
set -eu
cd "$(dirname "$0")/.."
pybabel extract -F locales/babel.cfg -k _ -k N_ -k gettext -k ngettext:1,2 --no-location \
    --sort-output --project chitieu-bot -o locales/messages.pot bot handlers storage
for locale in vi en; do
    if [ -f "locales/$locale/LC_MESSAGES/messages.po" ]; then
        pybabel update -i locales/messages.pot -d locales -l "$locale" --no-fuzzy-matching
    else
        pybabel init -i locales/messages.pot -d locales -l "$locale"
    fi
done
