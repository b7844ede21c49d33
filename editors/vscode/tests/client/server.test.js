// Unit tests of server.js (finding the `beleid` command) and, when a `beleid` command is at hand,
// an end-to-end check that the command line the extension spawns answers an LSP `initialize`.
//
//     node --test tests/client/
'use strict';

const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const server = require('../../server');

function scratch() {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'beleid-vscode-'));
}

function executableFile(dir, name) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    return file;
}

test('the default command line is `beleid lsp`', () => {
    assert.equal(server.DEFAULT_COMMAND, 'beleid');
    assert.deepEqual([...server.DEFAULT_ARGS], ['lsp']);
    const exe = server.executable('/usr/bin/beleid', undefined, '/work');
    assert.deepEqual(exe, { command: '/usr/bin/beleid', args: ['lsp'], options: { cwd: '/work' } });
    assert.equal(exe.transport, undefined, 'a transport would make the client append --stdio');
});

test('settings are expanded', () => {
    const options = { workspaceFolder: '/ws', env: { VENV: '/venv' }, home: '/home/me' };
    assert.equal(server.expand('${workspaceFolder}/.venv/bin/beleid', options), '/ws/.venv/bin/beleid');
    assert.equal(server.expand('${env:VENV}/bin/beleid', options), '/venv/bin/beleid');
    assert.equal(server.expand('~/bin/beleid', options), '/home/me/bin/beleid');
    assert.equal(server.expand('${userHome}/x', options), '/home/me/x');
    assert.equal(server.expand('beleid', options), 'beleid');
});

test('a bare name is looked up on PATH', { skip: process.platform === 'win32' }, () => {
    const dir = scratch();
    const other = scratch();
    const file = executableFile(dir, 'beleid');
    const env = { PATH: [other, dir].join(path.delimiter) };
    assert.equal(server.resolveCommand('beleid', { env }), file);
    assert.equal(server.resolveCommand('beleid', { env: { PATH: other } }), null);
    assert.equal(server.resolveCommand('', { env }), file, 'an empty setting means the default');
});

test('a file that is not executable is not the server', { skip: process.platform === 'win32' }, () => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, 'beleid'), 'not a program', { mode: 0o644 });
    assert.equal(server.resolveCommand('beleid', { env: { PATH: dir } }), null);
    fs.mkdirSync(path.join(dir, 'sub', 'beleid'), { recursive: true });
    assert.equal(server.resolveCommand('sub/beleid', { workspaceFolder: dir, env: {} }), null);
});

test('a path is taken relative to the workspace folder', { skip: process.platform === 'win32' }, () => {
    const ws = scratch();
    const file = executableFile(ws, path.join('.venv', 'bin', 'beleid'));
    assert.equal(server.resolveCommand('.venv/bin/beleid', { workspaceFolder: ws, env: {} }), file);
    assert.equal(server.resolveCommand('${workspaceFolder}/.venv/bin/beleid', { workspaceFolder: ws, env: {} }), file);
    assert.equal(server.resolveCommand(file, { env: {} }), file);
    assert.equal(server.resolveCommand(path.join(ws, 'missing'), { env: {} }), null);
});

test('on Windows PATHEXT is tried', { skip: process.platform !== 'win32' }, () => {
    const dir = scratch();
    const file = path.join(dir, 'beleid.exe');
    fs.writeFileSync(file, '');
    const found = server.resolveCommand('beleid', { env: { Path: dir, PATHEXT: '.EXE;.CMD' }, platform: 'win32' });
    assert.equal(found && found.toLowerCase(), file.toLowerCase());
});

test('the not-found message names the command and the setting', () => {
    const message = server.notFoundMessage('/opt/nothing/beleid');
    assert.match(message, /\/opt\/nothing\/beleid/);
    assert.match(message, /beleid\.server\.command/);
});

// End to end: the command line the extension builds starts a server that answers `initialize`.
// Runs when BELEID_SERVER_COMMAND names the command to try (tests/test_vscode_extension.py sets it).
const wanted = process.env.BELEID_SERVER_COMMAND;
const found = wanted ? server.resolveCommand(wanted) : null;
const skip = !wanted ? 'set BELEID_SERVER_COMMAND=beleid (or a path) to run it' : false;
test('`beleid lsp` answers initialize', { skip, timeout: 60000 }, async () => {
    assert.ok(found, `BELEID_SERVER_COMMAND=${wanted} was not found`);
    const rpc = require('vscode-jsonrpc/node');
    const exe = server.executable(found, undefined, path.resolve(__dirname, '..', '..', '..', '..'));
    const child = cp.spawn(exe.command, exe.args, exe.options);
    let stderr = '';
    child.stderr.on('data', (data) => { stderr += data; });
    const connection = rpc.createMessageConnection(
        new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
    connection.listen();
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const early = exited.then((code) => { throw new Error(`the server exited (${code}) before answering: ${stderr}`); });
    try {
        const result = await Promise.race([early, connection.sendRequest('initialize', {
            processId: process.pid, rootUri: null, capabilities: {}, clientInfo: { name: 'server.test.js' },
        })]);
        assert.ok(result && result.capabilities, `no capabilities in ${JSON.stringify(result)}; stderr: ${stderr}`);
        assert.ok(result.capabilities.textDocumentSync !== undefined, 'the server syncs documents');
        connection.sendNotification('initialized', {});
        await connection.sendRequest('shutdown');
        connection.sendNotification('exit');
        early.catch(() => {});
        assert.equal(await exited, 0, stderr);
    } finally {
        connection.dispose();
        child.kill();
    }
});
