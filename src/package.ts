import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package's own folder, found from this module wherever it runs from (src/ through tsx, or
// dist/src/ once built): the files that ship beside the code (backends/default.yaml, package.json).

const NAME = 'genesys-data-actions-service';
/** The package's name: the default `service.name` of its spans. */
export const PACKAGE_NAME = NAME;

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)
      && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json of ${NAME} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findRoot();

/** A file shipped with the package, by its path from the package's root. */
export const packageFile = (path: string) => join(PACKAGE_ROOT, path);

export const packageVersion = () =>
  (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
