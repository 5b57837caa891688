<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<title>市总工会开展“工会进万家”送法律服务活动 - 青石市总工会</title>
<link href="/Skin/DefaultSkin.css" rel="stylesheet" type="text/css" />
<script language="javascript" src="/js/common.js"></script>
</head>
<body>
<div id="top"><a href="/"><img src="/Images/logo.gif" alt="青石市总工会" /></a>
<span class="login"><a href="/User/Login.aspx">会员登录</a> | <a href="/User/Register.aspx">注册</a></span></div>
<div id="menu"><a href="/">网站首页</a> | <a href="/Category_12/Index.aspx">工会要闻</a> | <a href="/About.aspx">单位简介</a> | <a href="/Item/2340.aspx">图片新闻</a></div>
<div id="main">
<div class="location">您现在的位置：<a href="/">青石市总工会</a> &gt;&gt; <a href="/Category_12/Index.aspx">工会要闻</a> &gt;&gt; 正文</div>
<div class="main_article">
<div class="article_title"><h1>市总工会开展“工会进万家”送法律服务活动</h1></div>
<div class="article_info">作者：通讯员 郑雨　来源：青石市总工会　发布时间：2024-5-16 14:02:10　点击数：<span id="hits">286</span>　【字体：<a href="javascript:fontZoom(16)">大</a> <a href="javascript:fontZoom(14)">中</a> <a href="javascript:fontZoom(12)">小</a>】</div>
<div class="article_content" id="fontzoom">
<p>　　近日，青石市总工会组织工会律师志愿者深入企业、社区，开展“工会进万家”送法律服务活动，为职工提供劳动合同、工资支付、社会保险等方面的法律咨询。</p>
<p>　　活动中，律师志愿者结合典型案例，向职工讲解签订劳动合同的注意事项和维权途径，并现场解答了职工提出的加班费计算、带薪年休假等问题。</p>
<p>　　在一家纺织企业，女工小吴咨询了产假和哺乳假的相关规定。律师详细解答后，还提醒她保存好工资条和考勤记录，遇到问题及时向工会反映。</p>
<p>　　据统计，活动已走进企业和社区46个，接待职工咨询1100余人次，发放法律宣传资料5000余份。</p>
</div>
<div class="article_editor">责任编辑：郭峰</div>
<div class="article_page">上一篇：<a href="/Item/2345.aspx">青石市举办首届新就业形态劳动者技能比武</a></div>
<div class="article_tools"><a href="javascript:window.print()">【打印此文】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</div>
<div id="bottom">版权所有：青石市总工会　技术支持：动易网络　<a href="/Rss.xml">RSS</a></div>
</body>
</html>
