import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from '../../../electron/main/launch-args';

describe('parseLaunchArgs', () => {
  it.each([
    [['/opt/Pairbook/pairbook'], [], []],
    [['/usr/bin/electron', 'dist/electron', 'a.ipynb'], ['/home/ada/a.ipynb'], []],
    [['pairbook', '--no-sandbox', '/data/B.IPYNB'], ['/data/B.IPYNB'], []],
    [['pairbook', 'pairbook://join?s=1'], [], ['pairbook://join?s=1']],
    [['pairbook', '--flag=x.ipynb', 'notes.txt'], [], []],
  ])('reads %j', (argv, files, links) => {
    expect(parseLaunchArgs(argv, '/home/ada')).toEqual({ files, links });
  });
});
