"""Boilerplate residue classes of issue 16 round 3: hand-written lines and pages (no real page text)."""

from workercrawl.extract import extract_article
from workercrawl.extract.clean import clean_lines, is_noise
from workercrawl.extract.dom import Line

_TEXT = "".join(f"这是第{i}段正文，记者在现场看到工人们正在忙着检修设备，车间里一片繁忙的景象。" for i in range(1, 4))


def _body(lines):
    return clean_lines([Line(t) for t in lines]).paragraphs


def test_self_media_disclaimer_in_quotes_and_its_english_half():
    assert is_noise("“特别声明：以上作品内容(包括在内的视频、图片或音频)为某某网旗下自媒体平台“某风号”用户上传并发布，本平台仅提供信息存储空间服务。")
    assert is_noise("Notice: The content above (including the videos, pictures and audios if any) is uploaded and posted by the user of X Hao")


def test_buttons_pointers_contacts_and_sign_offs():
    for line in ("阅读全文", "展开全文 >", "▼详情请戳下方图集", "👇点击下方图集查看", "教程交流： abc123", "微信：xyz_2024",
                 "更多“如何办理社保转移”的相关经验资讯请关注www.example.com",
                 "本作品采用《CC 协议》，转载必须注明作者和本文链接", "本文采用知识共享署名 4.0 国际许可协议进行许可。"):
        assert is_noise(line), line
    for line in ("阅读全文后，他陷入了沉思。", "微信：已成为职工获取服务的重要渠道", "本文采用问卷调查的方法，共收回问卷300份。",
                 "更多职工将享受到这项政策。", "市总工会宣传部供稿"):
        assert not is_noise(line), line


def test_series_promo_and_contribution_credit():
    assert is_noise("我们希望通过「城市漫步」这个系列，带你领略每一个城市的风光。")
    assert is_noise("某某科技投稿")
    assert not is_noise("（某某科技投稿）")


def test_platform_promos_are_data():
    assert is_noise("> 下载 少数派 2.0 客户端、关注 少数派公众号，解锁全新阅读体验")
    assert is_noise("Matrix 首页推荐")
    assert is_noise("本词条缺少概述图，补充相关内容使词条更完整，还能快速升级，赶紧来编辑吧！")


def test_more_answers_and_related_hot_headings_end_the_text():
    for heading in ("更多回答", "相关热门推荐", "少数派的近期动态"):
        assert _body([_TEXT, "第二段也是正文，工人们说今年的任务很重。", heading, "另一位答主的回答，不是本文的内容，却也很长很长。"]) == [
            _TEXT, "第二段也是正文，工人们说今年的任务很重。"], heading


def test_summary_box_is_not_text_on_the_generic_path():
    page = f"""<html><head><title>车间检修忙_某某网</title></head><body>
<div class="article"><h1>车间检修忙</h1><div class="info">2024-05-20 10:00:00 来源：某某网</div>
<div class="zhaiyao"><p>年底前完成全部检修任务的摘要句子</p></div>
<p>{_TEXT}</p><p>{_TEXT}</p><p>工人们说，今年的任务很重，但大家都有信心完成。</p></div></body></html>"""
    result = extract_article(page.encode(), "https://news.example.com/a/1.html", {"Content-Type": "text/html; charset=utf-8"}).to_dict()
    assert result["status"] == "article"
    assert "摘要句子" not in result["body"] and "第1段正文" in result["body"]


def test_short_code_post_is_an_article():
    code = "".join(f"<p>步骤{i}</p><pre><code>npm install tool-{i} --save</code></pre>" for i in range(1, 5))
    page = f"""<html><head><title>安装缺失依赖_某某社区</title></head><body><div class="post"><h1>安装缺失依赖</h1>
<div class="meta">发布于 2024-05-20 10:00</div><div class="content"><p>每次打开新项目依赖都会报错很烦</p>{code}
<blockquote>本作品采用《CC 协议》，转载必须注明作者和本文链接</blockquote></div></div>
</body></html>"""
    result = extract_article(page.encode(), "https://community.example.com/articles/1", {"Content-Type": "text/html; charset=utf-8"}).to_dict()
    assert result["status"] == "article", result
    assert "npm install tool-1" in result["body"] and "CC 协议" not in result["body"]
