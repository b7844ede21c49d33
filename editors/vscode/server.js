// How the extension finds and starts the beleid language server: plain Node, no `vscode` import, so
// that tests/client/server.test.js can run it outside VS Code.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const DEFAULT_COMMAND = 'beleid';
const DEFAULT_ARGS = Object.freeze(['lsp']);

/**
 * Expand `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~` in a setting value.
 */
function expand(value, { workspaceFolder, env = process.env, home = os.homedir() } = {}) {
    let text = String(value).trim();
    if (text === '~' || text.startsWith('~/') || text.startsWith('~\\')) {
        text = home + text.slice(1);
    }
    return text.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (whole, name, variable) => {
        if (name === 'workspaceFolder') return workspaceFolder !== undefined ? workspaceFolder : whole;
        if (name === 'userHome') return home;
        return env[variable] !== undefined ? env[variable] : '';
    });
}

function isExecutable(file, platform) {
    try {
        if (!fs.statSync(file).isFile()) return false;
        if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

function candidates(file, env, platform) {
    if (platform !== 'win32' || path.win32.extname(file)) return [file];
    const extensions = (env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
    return [file, ...extensions.map((ext) => file + ext.toLowerCase()), ...extensions.map((ext) => file + ext)];
}

/**
 * The absolute path of the server command, or null when it cannot be found.
 *
 * A bare name (`beleid`) is looked up on PATH, like a shell would. A path (`.venv/bin/beleid`,
 * `/opt/beleid/bin/beleid`, `${workspaceFolder}/.venv/bin/beleid`) is taken relative to the
 * workspace folder when it is not absolute.
 */
function resolveCommand(command, { workspaceFolder, env = process.env, platform = process.platform, home } = {}) {
    const p = platform === 'win32' ? path.win32 : path.posix;
    const expanded = expand(command || DEFAULT_COMMAND, { workspaceFolder, env, home });
    if (!expanded) return null;
    const hasSeparator = expanded.includes('/') || (platform === 'win32' && expanded.includes('\\'));
    if (hasSeparator || p.isAbsolute(expanded)) {
        const file = p.isAbsolute(expanded) ? expanded : p.resolve(workspaceFolder || process.cwd(), expanded);
        return candidates(file, env, platform).find((f) => isExecutable(f, platform)) || null;
    }
    const pathVariable = platform === 'win32' ? (env.Path || env.PATH || '') : (env.PATH || '');
    for (const dir of pathVariable.split(p.delimiter).filter(Boolean)) {
        const found = candidates(p.join(dir, expanded), env, platform).find((f) => isExecutable(f, platform));
        if (found) return found;
    }
    return null;
}

/**
 * The vscode-languageclient `Executable` for the server: `COMMAND ARGS...` speaking LSP over
 * stdio. No `transport` is set on purpose: with `TransportKind.stdio` the client would append
 * `--stdio` to the arguments, which `beleid lsp` does not take.
 */
function executable(resolvedCommand, args, workspaceFolder) {
    const list = Array.isArray(args) ? args.map(String) : [...DEFAULT_ARGS];
    const options = workspaceFolder ? { cwd: workspaceFolder } : {};
    return { command: resolvedCommand, args: list, options };
}

function notFoundMessage(command) {
    return `Beleid: cannot start the language server: the command "${command}" was not found. ` +
        'Install beleid (`pip install -e .` in the beleid repository, or into a virtual environment) ' +
        'and set "beleid.server.command" to the full path of its `beleid` command, ' +
        'e.g. "${workspaceFolder}/.venv/bin/beleid". Syntax highlighting works without it.';
}

module.exports = { DEFAULT_ARGS, DEFAULT_COMMAND, executable, expand, notFoundMessage, resolveCommand };
