// Errors shown in the UI never carry absolute paths (issue #9, hole 5): a path names the user's
// home folder and the app's layout. Each absolute path becomes its last segment (`…/file.ts:12:3`);
// the full text stays in the log. Web URLs are left alone (their paths follow a host name); `file://`
// URLs are paths (ESM stack frames print them) and are cut the same way.

const FILE_URL = /file:\/\/\/?(?:[^\s"'()[\]<>/,]+\/)+([^\s"'()[\]<>/,]*)/g
const UNIX = /(^|[\s"'(=[,])\/(?:[^\s"'()[\]<>:/,]+\/)+([^\s"'()[\]<>/,]*)/g
const WINDOWS = /(^|[\s"'(=[,])[A-Za-z]:\\(?:[^\s"'()[\]<>\\,]+\\)*([^\s"'()[\]<>\\,]*)/g
const UNC = /(^|[\s"'(=[,])\\\\(?:[^\s"'()[\]<>\\,]+\\)+([^\s"'()[\]<>\\,]*)/g

export function redactPaths(text: string): string {
  return text.replace(FILE_URL, '…/$1').replace(UNIX, '$1…/$2').replace(WINDOWS, '$1…\\$2').replace(UNC, '$1…\\$2')
}
