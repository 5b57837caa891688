<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<title>组图：职工篮球赛开赛 - 青石市总工会</title>
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
<div class="article_title"><h1>组图：职工篮球赛开赛</h1></div>
<div class="article_info">作者：　来源：青石市总工会　发布时间：2024-5-12 8:00:00　点击数：<span id="hits">286</span>　【字体：<a href="javascript:fontZoom(16)">大</a> <a href="javascript:fontZoom(14)">中</a> <a href="javascript:fontZoom(12)">小</a>】</div>
<div class="article_content" id="fontzoom">
<p align="center"><img src="/UploadFiles/2024/5/202405120.jpg" border="0" /></p>
<p align="center"><img src="/UploadFiles/2024/5/202405121.jpg" border="0" /></p>
<p align="center"><img src="/UploadFiles/2024/5/202405122.jpg" border="0" /></p>
<p align="center"><img src="/UploadFiles/2024/5/202405123.jpg" border="0" /></p>
<p align="center"><img src="/UploadFiles/2024/5/202405124.jpg" border="0" /></p>
</div>
<div class="article_editor">责任编辑：何琴</div>
<div class="article_page">上一篇：<a href="/Item/2331.aspx">青石工会职工疗休养基地挂牌</a></div>
<div class="article_tools"><a href="javascript:window.print()">【打印此文】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</div>
<div id="bottom">版权所有：青石市总工会　技术支持：动易网络　<a href="/Rss.xml">RSS</a></div>
</body>
</html>
