import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SlipwayError } from '../errors.js';

/** The most Slipway reads of any one repo file unless SLIPWAY_REPO_FILE_LIMIT says otherwise. */
export const DEFAULT_REPO_FILE_LIMIT = 1024 * 1024;

const CHUNK = 64 * 1024;

/** A directory of the checkout: its repo-relative name and its real path on disk. */
export interface RepoDir {
  relative: string;
  path: string;
}

/**
 * The one way Slipway looks into a checkout, which is untrusted: a repo may hold symbolic
 * links to anywhere on the worker (`.s2i/environment -> /etc/passwd`, a context dir pointing
 * at a worker directory, `Procfile -> /dev/zero`) and files of any size.
 *
 * Every path is repo-relative and resolved with realpath: a link whose target lies inside the
 * checkout is followed; an absolute path, a `..` escape, or a link (at any depth) that leads
 * outside is refused, as are devices, FIFOs and sockets, a directory where a file is expected,
 * and a file larger than `limit` bytes (at most `limit + 1` bytes are ever read). A refusal is
 * a BUILD_REPO_INVALID naming the file and why; it never quotes what lies outside.
 */
export class RepoFiles {
  private constructor(
    /** The checkout's real path. */
    readonly root: string,
    readonly limit: number,
  ) {}

  static async open(params: { root: string; limit: number }): Promise<RepoFiles> {
    return new RepoFiles(await realpath(params.root), params.limit);
  }

  /** A directory of the checkout; undefined when it does not exist. */
  async directory(relative: string): Promise<RepoDir | undefined> {
    const name = this.normalise(relative);
    const found = await this.locate(name);
    if (!found) return undefined;
    if (!found.stats.isDirectory()) throw refused(name, 'it is not a directory');
    return { relative: name, path: found.real };
  }

  /** The real path of a regular file of the checkout, without reading it; undefined when it does not exist. */
  async file(relative: string): Promise<string | undefined> {
    const name = this.normalise(relative);
    const found = await this.locate(name);
    if (!found) return undefined;
    expectRegular(name, found.stats);
    return found.real;
  }

  /** A file's text; undefined when it does not exist. */
  async read(relative: string): Promise<string | undefined> {
    const name = this.normalise(relative);
    const found = await this.locate(name);
    if (!found) return undefined;
    expectRegular(name, found.stats);
    if (found.stats.size > this.limit) throw tooLarge(name, this.limit);
    // O_NOFOLLOW: the real path has no link left to follow; O_NONBLOCK: opening a FIFO never waits.
    const handle = await open(found.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      expectRegular(name, await handle.stat());
      const chunks: Buffer[] = [];
      let total = 0;
      // Never more than limit + 1 bytes, whatever the file claims its size is.
      while (total <= this.limit) {
        const buffer = Buffer.alloc(Math.min(CHUNK, this.limit + 1 - total));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        chunks.push(buffer.subarray(0, bytesRead));
        total += bytesRead;
      }
      if (total > this.limit) throw tooLarge(name, this.limit);
      return Buffer.concat(chunks, total).toString('utf8');
    } finally {
      await handle.close();
    }
  }

  /** Names in a directory, sorted; empty when it does not exist or is not a directory. */
  async list(relative: string): Promise<string[]> {
    const name = this.normalise(relative);
    const found = await this.locate(name);
    if (!found || !found.stats.isDirectory()) return [];
    return (await readdir(found.real)).sort();
  }

  /** A repo-relative path, normalised; refused when it is absolute or climbs out. */
  private normalise(relative: string): string {
    if (relative.includes('\0')) throw refused(relative.replace(/\0/g, '\\0'), 'the path holds a NUL byte');
    if (path.posix.isAbsolute(relative)) throw refused(relative, 'it is an absolute path');
    const name = path.posix.normalize(relative).replace(/\/+$/, '') || '.';
    if (name === '..' || name.startsWith('../')) throw refused(relative, 'it leads outside the checkout');
    return name;
  }

  private inside(real: string): boolean {
    return real === this.root || real.startsWith(this.root + path.sep);
  }

  /** The real path and stats of `name`, checked to lie inside the checkout; undefined when absent. */
  private async locate(name: string): Promise<{ real: string; stats: Stats } | undefined> {
    let real: string;
    try {
      real = await realpath(path.join(this.root, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw refused(name, 'it is a loop of symbolic links');
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // Absent (or a link to nothing). Still refuse when a directory on the way leads outside:
      // whether a file exists out there is not the repo's to ask.
      await this.ancestorsInside(name);
      return undefined;
    }
    if (!this.inside(real)) {
      const link = await lstat(path.join(this.root, name)).then((s) => s.isSymbolicLink(), () => false);
      throw refused(name, link ? 'it is a symbolic link to outside the checkout' : 'a symbolic link on its path leads outside the checkout');
    }
    return { real, stats: await stat(real) };
  }

  private async ancestorsInside(name: string): Promise<void> {
    for (let dir = path.posix.dirname(name); ; dir = path.posix.dirname(dir)) {
      let real: string;
      try {
        real = await realpath(path.join(this.root, dir));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') throw refused(name, 'a loop of symbolic links is on its path');
        if ((code === 'ENOENT' || code === 'ENOTDIR') && dir !== '.') continue;
        throw error;
      }
      if (!this.inside(real)) throw refused(name, 'a symbolic link on its path leads outside the checkout');
      return;
    }
  }
}

function expectRegular(name: string, stats: Stats): void {
  if (stats.isFile()) return;
  if (stats.isDirectory()) throw refused(name, 'it is a directory, where a file is expected');
  throw refused(name, 'it is not a regular file (a device, FIFO or socket)');
}

function tooLarge(name: string, limit: number): SlipwayError {
  return refused(name, `it is larger than the ${limit}-byte limit for files Slipway reads from a repo (SLIPWAY_REPO_FILE_LIMIT)`);
}

function refused(file: string, why: string): SlipwayError {
  return new SlipwayError('BUILD_REPO_INVALID', `repo file "${file}" refused: ${why}`, { file, why });
}
