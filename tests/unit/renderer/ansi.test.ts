import { describe, expect, it } from 'vitest';
import { ansiToHtml, applyCarriageReturns, stripAnsi } from '../../../renderer/outputs/ansi';

describe('ansiToHtml', () => {
  it.each([
    ['plain text', 'hello', 'hello'],
    ['escapes HTML', '<b>&"\'', '&lt;b&gt;&amp;&quot;&#39;'],
    ['a named colour', '\x1b[31mred\x1b[0m!', '<span class="ansi-red-fg">red</span>!'],
    ['bright and bold', '\x1b[1;92mok', '<span class="ansi-bright-green-fg ansi-bold">ok</span>'],
    ['a background', '\x1b[44mbg\x1b[49m.', '<span class="ansi-blue-bg">bg</span>.'],
    ['256 colours', '\x1b[38;5;196mx', '<span style="color:rgb(255,0,0)">x</span>'],
    ['true colour', '\x1b[48;2;1;2;3mx', '<span style="background-color:rgb(1,2,3)">x</span>'],
    [
      'IPython traceback codes',
      '\x1b[0;31mZeroDivisionError\x1b[0m: x',
      '<span class="ansi-red-fg">ZeroDivisionError</span>: x',
    ],
    ['drops other escapes', 'a\x1b[2Kb', 'ab'],
  ])('%s', (_name, input, html) => {
    expect(ansiToHtml(input)).toBe(html);
  });

  it('never lets markup through inside a coloured span', () => {
    expect(ansiToHtml('\x1b[31m<script>x</script>')).toBe(
      '<span class="ansi-red-fg">&lt;script&gt;x&lt;/script&gt;</span>',
    );
  });
});

describe('applyCarriageReturns', () => {
  it.each([
    ['progress bars keep the last state', '10%\r50%\r100%\ndone', '100%\ndone'],
    ['a shorter overwrite keeps the tail', 'abcdef\rXY', 'XYcdef'],
    ['CRLF is a plain newline', 'a\r\nb', 'a\nb'],
  ])('%s', (_name, input, shown) => {
    expect(applyCarriageReturns(input)).toBe(shown);
  });
});

it('stripAnsi leaves only the text', () => {
  expect(stripAnsi('\x1b[1;31mError\x1b[0m: bad')).toBe('Error: bad');
});
