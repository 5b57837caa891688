<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<title>青石市举办首届新就业形态劳动者技能比武 - 青石市总工会</title>
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
<div class="article_title"><h1>青石市举办首届新就业形态劳动者技能比武</h1></div>
<div class="article_info">作者：本站记者 林晓　来源：青石工人报　发布时间：2024-5-20 9:15:32　点击数：<span id="hits">286</span>　【字体：<a href="javascript:fontZoom(16)">大</a> <a href="javascript:fontZoom(14)">中</a> <a href="javascript:fontZoom(12)">小</a>】</div>
<div class="article_content" id="fontzoom">
<p>　　5月19日，青石市首届新就业形态劳动者技能比武在市职工服务中心举行，来自全市各快递、外卖、网约车企业的120名选手参加了快件分拣、电动车安全驾驶、网约车服务礼仪等项目的比拼。</p>
<p>　　比武由市总工会、市人社局、市交通运输局联合主办。各项目第一名将被推荐申报市五一劳动奖章，前三名可按规定参加相应职业技能等级认定。</p>
<p>　　“平时天天在路上跑，这次能和同行比一比，学到了不少东西。”获得快件分拣项目第一名的快递员小钟说，比赛让他对自己的职业更有信心了。</p>
<p>　　市总工会相关负责人介绍，技能比武是今年市总工会服务新就业形态劳动者的重点项目之一，今后将每年举办一届，引导新就业形态劳动者提升技能、拓宽发展空间。</p>
</div>
<div class="article_editor">责任编辑：郭峰</div>
<div class="article_page">上一篇：没有了</div>
<div class="article_tools"><a href="javascript:window.print()">【打印此文】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</div>
<div id="bottom">版权所有：青石市总工会　技术支持：动易网络　<a href="/Rss.xml">RSS</a></div>
</body>
</html>
