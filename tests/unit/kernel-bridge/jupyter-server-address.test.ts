import { describe, expect, it } from 'vitest';
import {
  describeJupyterServer,
  parseJupyterServerAddress,
  serverProblem,
} from '../../../kernel-bridge/jupyter-server/jupyter-server-address';

describe('parseJupyterServerAddress', () => {
  it.each([
    ['http://127.0.0.1:8888/lab?token=abc', '', 'http://127.0.0.1:8888/', 'abc'],
    ['http://127.0.0.1:8888/tree?token=abc', 'env', 'http://127.0.0.1:8888/', 'abc'],
    ['http://localhost:8888/', 'env', 'http://localhost:8888/', 'env'],
    ['http://localhost:8888', '', 'http://localhost:8888/', ''],
    [
      'https://hub.example.org/user/ada/lab/tree/x.ipynb?token=t',
      '',
      'https://hub.example.org/user/ada/',
      't',
    ],
    ['https://hub.example.org/user/ada', 't2', 'https://hub.example.org/user/ada/', 't2'],
    ['http://gpu-box:9999/notebooks/a.ipynb', '', 'http://gpu-box:9999/', ''],
  ])('reads %s (fallback token "%s")', (text, fallback, baseUrl, token) => {
    expect(parseJupyterServerAddress(text, fallback)).toEqual({ baseUrl, token });
  });

  it.each([
    ['127.0.0.1:8888', /not a Jupyter server address/],
    ['gpu-box', /not a Jupyter server address/],
    ['ws://127.0.0.1:8888/', /starts with http:\/\/ or https:\/\/, not ws:\/\//],
  ])('refuses %s with what is wrong', (text, message) => {
    expect(() => parseJupyterServerAddress(text)).toThrow(message);
  });
});

describe('describeJupyterServer', () => {
  it('names the host and path, never the token', () => {
    expect(
      describeJupyterServer({ baseUrl: 'https://hub.example.org/user/ada/', token: 's3cret' }),
    ).toBe('hub.example.org/user/ada');
    expect(describeJupyterServer({ baseUrl: 'http://127.0.0.1:8888/', token: 's3cret' })).toBe(
      '127.0.0.1:8888',
    );
  });
});

describe('serverProblem', () => {
  it('cuts the token out of a message that quotes a URL', () => {
    const address = { baseUrl: 'http://gpu-box:8888/', token: 's3cret' };
    const e = new Error(
      'connect ECONNREFUSED ws://gpu-box:8888/api/kernels/1/channels?token=s3cret',
    );
    expect(serverProblem(address, e)).toBe(
      'connect ECONNREFUSED ws://gpu-box:8888/api/kernels/1/channels?token=…',
    );
  });
});
