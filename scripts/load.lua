-- wrk script for scripts/load.sh.
--
-- Without LOAD_PATH: every request is GET /api/search?q=<query>&limit=<LOAD_LIMIT or 10>, the
-- query taken in turn from the mixed list below (each thread starts at a different place).
-- With LOAD_PATH (e.g. /healthz): every request is GET of that path.
--
-- done() prints one machine-readable line, `RESULT key=value ...`, that load.sh parses;
-- wrk's own --latency table is printed above it.

local queries = {
  -- Chinese keywords
  "乡村振兴", "营商环境", "中德国际产业园", "蔡甸莲藕", "数字经济", "养老服务",
  "老旧小区改造", "碳达峰", "森林覆盖率", "高标准农田", "海绵城市", "专精特新",
  "放管服", "一网通办", "全域旅游", "知音文化", "光芯屏端网", "婴幼儿托育",
  "沉湖湿地", "生物医药", "后官湖 水质", "机器人 职业教育", "生猪 养殖", "小龙虾",
  -- everyday words (synonyms)
  "看病", "找工作", "买房", "自动驾驶", "雾霾", "老人",
  -- quoted phrases
  "\"全区粮食播种面积\"", "\"莲藕基地达到10万亩\"", "\"打造12分钟医疗急救圈\"",
  "\"5G网络城区全覆盖\"", "\"两城引领、三带联动、六镇协同\"", "\"国家全域旅游示范区\"",
  -- numbers
  "到2025年 森林覆盖率", "地区生产总值 400亿元", "护理型床位 55%", "41.1", "13.2万亩",
  -- filters
  "chapter:7 莲藕", "chapter:13 养老", "panel:4-1 电机", "panel:7-1 高标准农田",
  "kind:table 物流", "kind:indicator 空气质量", "section:10.4 轨道交通", "chapter:11 湿地",
  -- operators
  "格力 OR 京东", "农业 -莲藕", "乡村振兴 莲藕",
  -- mixed Latin/digits
  "5G基站", "5G 中法", "5G基站 500个", "GDP", "GDP 增长",
  -- company names
  "格力", "京东", "博格华纳", "中粮", "西门子赋能中心", "好利来", "米老头", "比亚迪",
  "韵达", "法国电力集团", "company:格力 机器人", "company:京东 物流",
}

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local fixed = os.getenv("LOAD_PATH")
local limit = os.getenv("LOAD_LIMIT") or "10"
local paths = {}
for i, q in ipairs(queries) do
  paths[i] = "/api/search?q=" .. urlencode(q) .. "&limit=" .. limit
end

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Spread the threads' starting points over the list.
  counter = (id or 0) * 17
end

function request()
  if fixed then
    return wrk.format("GET", fixed)
  end
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT queries=%d requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f connect=%d read=%d write=%d status=%d timeout=%d bytes=%d\n",
    fixed and 1 or #paths, summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.status, e.timeout, summary.bytes))
end
