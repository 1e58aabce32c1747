#!/bin/sh
# macOS: sign dist/Upstream.app (built by packaging/build-bundle.sh on a Mac), check it
# with its own self-test, wrap it in a .dmg, notarise and staple.
# Environment (from the CI secrets, see docs/deployment.md "Code signing"):
#   MACOS_SIGN_IDENTITY   "Developer ID Application: <Org> (<TEAMID>)" in the keychain
#   MACOS_NOTARY_PROFILE  a `xcrun notarytool store-credentials` profile; unset: no notarising
# Unsigned builds (no identity) are for testing only: Gatekeeper blocks them.
set -eu
cd "$(dirname "$0")/../.."
APP=dist/Upstream.app
VERSION=$("$APP/Contents/MacOS/upstream" --version | awk '{print $2}')
DMG=dist/Upstream-$VERSION.dmg

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
    # Inside out: every library and the program, then the bundle, with the hardened runtime.
    find "$APP/Contents" -type f \( -name '*.so' -o -name '*.dylib' \) -print0 |
        xargs -0 codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY"
    codesign --force --timestamp --options runtime \
        --entitlements packaging/macos/entitlements.plist --sign "$MACOS_SIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
fi
"$APP/Contents/MacOS/upstream" --self-test

rm -f "$DMG"
STAGE=$(mktemp -d)
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"   # drag-to-install
hdiutil create -volname "Upstream $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
rm -rf "$STAGE"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
    codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
fi
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$DMG" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
fi
echo "$DMG"
