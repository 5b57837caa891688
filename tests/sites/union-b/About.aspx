<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<title>单位简介 - 青石市总工会</title>
<link href="/Skin/DefaultSkin.css" rel="stylesheet" type="text/css" />
<script language="javascript" src="/js/common.js"></script>
</head>
<body>
<div id="top"><a href="/"><img src="/Images/logo.gif" alt="青石市总工会" /></a>
<span class="login"><a href="/User/Login.aspx">会员登录</a> | <a href="/User/Register.aspx">注册</a></span></div>
<div id="menu"><a href="/">网站首页</a> | <a href="/Category_12/Index.aspx">工会要闻</a> | <a href="/About.aspx">单位简介</a> | <a href="/Item/2340.aspx">图片新闻</a></div>
<div id="main">
<div class="main_article">
<div class="article_title"><h1>单位简介</h1></div>
<div class="article_content">
<p>　　青石市总工会是青石市各级工会组织的领导机关，在市委和上级工会的领导下开展工作。市总工会设有办公室、基层工作部、宣传教育部、权益保障部和财务部，并设有职工服务中心和职工学校。</p>
<p>　　市总工会坚持以职工为中心的工作导向，团结动员全市职工建功新时代，竭诚为职工群众服务，依法维护职工合法权益，推动构建和谐劳动关系。全市现有基层工会1800余个，会员15万余人。</p>
</div>
</div>
</div>
<div id="bottom">版权所有：青石市总工会　技术支持：动易网络　<a href="/Rss.xml">RSS</a></div>
</body>
</html>
