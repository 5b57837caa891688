<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<title>工会要闻 - 青石市总工会</title>
<link href="/Skin/DefaultSkin.css" rel="stylesheet" type="text/css" />
<script language="javascript" src="/js/common.js"></script>
</head>
<body>
<div id="top"><a href="/"><img src="/Images/logo.gif" alt="青石市总工会" /></a>
<span class="login"><a href="/User/Login.aspx">会员登录</a> | <a href="/User/Register.aspx">注册</a></span></div>
<div id="menu"><a href="/">网站首页</a> | <a href="/Category_12/Index.aspx">工会要闻</a> | <a href="/About.aspx">单位简介</a> | <a href="/Item/2340.aspx">图片新闻</a></div>
<div id="main">
<div class="location">您现在的位置：<a href="/">青石市总工会</a> &gt;&gt; 工会要闻</div>
<ul class="article_list">
<li><span class="date">2024-5-20</span><a href="/Item/2345.aspx" title="青石市举办首届新就业形态劳动者技能比武">青石市举办首届新就业形态劳动者技能比武</a></li>
<li><span class="date">2024-5-16</span><a href="/Item/2338.aspx" title="市总工会开展“工会进万家”送法律服务活动">市总工会开展“工会进万家”送法律服务活动</a></li>
</ul>
<div class="showpage">共 3 篇文章　首页 上一页 <a href="/Category_12/Index_2.aspx">下一页</a> <a href="/Category_12/Index_2.aspx">尾页</a>　页次：1/2页</div>
</div>
<div id="bottom">版权所有：青石市总工会　技术支持：动易网络　<a href="/Rss.xml">RSS</a></div>
</body>
</html>
