import { describe, expect, it } from 'vitest';
import { parseTaskIdInput } from '../../../src/shared/domain/task-id-input';

describe('parseTaskIdInput', () => {
  it('takes one id as it is, beyond 2^53 without losing a digit', () => {
    expect(parseTaskIdInput('  98765432109876543210 \n').candidates).toEqual(['98765432109876543210']);
  });

  it('takes a bulk paste with any separators, keeping duplicates for the report', () => {
    const parsed = parseTaskIdInput('111111111, 222222222;333333333\n444444444\t111111111');
    expect(parsed.candidates).toEqual(['111111111', '222222222', '333333333', '444444444', '111111111']);
  });

  it('reads lines of JSON: task responses and id objects, numbers kept exact', () => {
    const text = [
      '{"task":{"id":90071992547409931,"type":"m2v_txt2video_hq"},"works":[{"workId":5,"taskId":90071992547409931}]}',
      '{"taskId":"123456789012"}',
      '{"task_id": 555555555555}',
    ].join('\n');
    expect(parseTaskIdInput(text).candidates).toEqual(['90071992547409931', '123456789012', '555555555555']);
  });

  it('finds ids in prose and links, skipping ordinary words and small numbers', () => {
    const parsed = parseTaskIdInput(
      'Please archive task 123456789012 (made with 2.1, 5 s) and https://app.klingai.com/global/video?taskId=987654321098.',
    );
    expect(parsed.candidates).toEqual(['123456789012', '987654321098']);
    expect(parsed.ignoredWords).toBeGreaterThan(5);
  });

  it('keeps mistyped ids so the contract can say why they were refused', () => {
    expect(parseTaskIdInput('12345a789012 -123456789 hello').candidates).toEqual([
      '12345a789012',
      '-123456789',
    ]);
  });

  it('treats a short number in a plain list as an id to refuse by name', () => {
    expect(parseTaskIdInput('123456789012\n42').candidates).toEqual(['123456789012', '42']);
  });

  it('gives nothing for empty input', () => {
    expect(parseTaskIdInput(' \n\n ').candidates).toEqual([]);
  });
});
