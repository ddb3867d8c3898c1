import { detectLang } from '../../src/text/language';

describe('detectLang', () => {
  it('recognises Traditional and Simplified Chinese', () => {
    expect(detectLang('範例診所的醫師很專業，推薦給大家')).toBe('zh');
    expect(detectLang('范例诊所的医生很专业')).toBe('zh');
  });

  it('keeps a Chinese sentence with an English brand name as zh', () => {
    expect(detectLang('今天去 Example Clinic 做 Pico laser，王醫師很細心')).toBe('zh');
    expect(detectLang('iPhone 16 開箱')).toBe('zh');
  });

  it('recognises English, even when it quotes a Chinese name', () => {
    expect(detectLang('The staff at the clinic were friendly and the doctor explained everything.')).toBe('en');
    expect(detectLang('We visited 範例診所 last week and the service was terrible')).toBe('en');
  });

  it('ignores links when weighing the languages', () => {
    expect(detectLang('醫療糾紛 https://www.example-news.tw/news/2026/clinic-dispute-medical-records-leak?utm_source=rss')).toBe('zh');
  });

  it('returns other for Japanese, Korean, other scripts and text without letters', () => {
    expect(detectLang('このクリニックはとても良かったです')).toBe('other');
    expect(detectLang('이 병원은 정말 좋았어요')).toBe('other');
    expect(detectLang('Клиника очень хорошая')).toBe('other');
    expect(detectLang('12345 !!! ???')).toBe('other');
    expect(detectLang('')).toBe('other');
  });

  it('counts full-width Latin letters as Latin', () => {
    expect(detectLang('Ｔｈｅ ｓｅｒｖｉｃｅ ｗａｓ ｇｒｅａｔ')).toBe('en');
  });
});
