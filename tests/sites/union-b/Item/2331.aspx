<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<title>青石工会职工疗休养基地挂牌 - 青石市总工会</title>
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
<div class="article_title"><h1>青石工会职工疗休养基地挂牌</h1></div>
<div class="article_info">作者：本站记者 林晓　来源：青石工人报　发布时间：2024-5-9 10:30:00　点击数：<span id="hits">286</span>　【字体：<a href="javascript:fontZoom(16)">大</a> <a href="javascript:fontZoom(14)">中</a> <a href="javascript:fontZoom(12)">小</a>】</div>
<div class="article_content" id="fontzoom">
<p>　　5月8日，青石市总工会职工疗休养基地在市郊的青石山景区挂牌成立。今年起，全市劳动模范、一线职工和新就业形态劳动者可分批到基地参加疗休养活动。</p>
<p>　　基地设有休养客房、职工健身房、心理咨询室和读书室，每期疗休养为期5天，内容包括健康体检、健康讲座、文体活动和红色教育等。</p>
<p>　　“干了二十多年一线，第一次参加疗休养，感觉工会真是把职工放在心上。”首批参加疗休养的环卫工人老宋说。</p>
<p>　　市总工会计划今年组织疗休养活动30期，惠及职工1500人，并优先安排一线职工和劳动模范参加。</p>
</div>
<div class="article_editor">责任编辑：何琴</div>
<div class="article_page">上一篇：<a href="/Item/2338.aspx">市总工会开展“工会进万家”送法律服务活动</a></div>
<div class="article_tools"><a href="javascript:window.print()">【打印此文】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</div>
<div id="bottom">版权所有：青石市总工会　技术支持：动易网络　<a href="/Rss.xml">RSS</a></div>
</body>
</html>
