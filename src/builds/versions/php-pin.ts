import type { PinReader } from './version-pin.js';
import { parseRange } from './version-range.js';

/** PHP: `require.php` in composer.json, a Composer constraint (`^8.1`, `>=7.4 <8.3`, `~8.1`). */
export const phpPin: PinReader = {
  files: ['composer.json'],
  read: (texts) => {
    let php: unknown;
    try {
      php = (JSON.parse(texts['composer.json'] ?? 'null') as { require?: Record<string, unknown> } | null)?.require?.php;
    } catch {
      return undefined; // Composer reports a broken composer.json.
    }
    if (typeof php !== 'string' || !php.trim()) return undefined;
    return { source: 'require.php in composer.json', text: php.trim(), range: parseRange(php.trim(), 'composer') };
  },
};
