-- qcode's report filter for pandoc: what the template's Markdown means in Word and HTML.
--   * A block quote is a quote: in Word its paragraphs take the "Quote" style and an attribution
--     ("– jongerenwerker, 34 jaar", last in the quote or the paragraph right after it) "Quote Attribution";
--     in HTML a <blockquote> with the attribution in <p class="bron">.
--   * Lists in Word take the "List Number" and "List Bullet" styles (pandoc's own numbering stays).
--   * A paragraph "Tabel 2.1 …" right before a table becomes its caption; "Figuur 2.1 …" right before
--     or after a figure becomes the figure's caption.
--   * Nothing reaches outside the document: a link other than http(s), mailto or a local file becomes its
--     text; an image that is not a local picture becomes its description (pandoc would fetch a URL).

local word = FORMAT == "docx"

local function first_text(block)
  if block == nil or (block.t ~= "Para" and block.t ~= "Plain") then return nil end
  local first = block.content[1]
  if first == nil then return nil end
  if first.t == "Emph" or first.t == "Strong" then first = first.content[1] end
  return first and first.t == "Str" and first.text or nil
end

local function is_attribution(block)
  local text = first_text(block)
  return text ~= nil and (text:match("^\u{2013}") or text:match("^\u{2014}")) ~= nil
end

local function caption_word(block, words)
  local text = first_text(block)
  if text == nil then return false end
  for _, w in ipairs(words) do
    if text == w then
      local number = block.content[3]
      return number ~= nil and number.t == "Str" and number.text:match("^%d") ~= nil
    end
  end
  return false
end

local TABLE_WORDS = {"Tabel", "Table"}
local FIGURE_WORDS = {"Figuur", "Figure", "Afbeelding"}

local function styled(blocks, style)
  return pandoc.Div(blocks, {["custom-style"] = style})
end

local function quote(blocks, attribution)
  if word then
    local out = pandoc.Blocks{styled(blocks, "Quote")}
    if attribution then out:insert(styled({attribution}, "Quote Attribution")) end
    return out
  end
  if attribution then
    blocks:insert(pandoc.Div({attribution}, {class = "bron"}))
  end
  return pandoc.Blocks{pandoc.BlockQuote(blocks)}
end

local function blocks_filter(blocks)
  local out = pandoc.Blocks{}
  local i = 1
  while i <= #blocks do
    local block = blocks[i]
    if block.t == "BlockQuote" then
      local inner = pandoc.Blocks(block.content)
      local attribution = nil
      if #inner > 1 and is_attribution(inner[#inner]) then
        attribution = inner:remove(#inner)
      elseif is_attribution(blocks[i + 1]) then
        attribution = blocks[i + 1]
        i = i + 1
      end
      out:extend(quote(inner, attribution))
    elseif caption_word(block, TABLE_WORDS) and blocks[i + 1] and blocks[i + 1].t == "Table" then
      local table = blocks[i + 1]
      table.caption = {long = {pandoc.Plain(block.content)}}
      out:insert(table)
      i = i + 1
    elseif caption_word(block, FIGURE_WORDS) and blocks[i + 1] and blocks[i + 1].t == "Figure" then
      local figure = blocks[i + 1]
      figure.caption = {long = {pandoc.Plain(block.content)}}
      out:insert(figure)
      i = i + 1
    elseif block.t == "Figure" and caption_word(blocks[i + 1], FIGURE_WORDS) then
      block.caption = {long = {pandoc.Plain(blocks[i + 1].content)}}
      out:insert(block)
      i = i + 1
    else
      out:insert(block)
    end
    i = i + 1
  end
  return out
end

local function list_styles(list, style)
  if not word then return list end
  for n, item in ipairs(list.content) do
    local blocks = pandoc.Blocks(item):map(function(b)
      return b.t == "Plain" and pandoc.Para(b.content) or b  -- pandoc gives a Plain its own "Compact" style
    end)
    list.content[n] = {styled(blocks, style)}
  end
  return list
end

local function safe_target(target)
  local scheme = target:match("^(%a[%w+.-]*):")
  return scheme == nil or scheme:lower() == "http" or scheme:lower() == "https" or scheme:lower() == "mailto"
end

local PICTURES = {png = true, jpg = true, jpeg = true, gif = true, svg = true}

local function local_picture(src)
  if src:match("^%a[%w+.-]*:") and not src:match("^%a:[/\\]") then return false end
  local extension = src:match("%.(%w+)$")
  return extension ~= nil and PICTURES[extension:lower()] == true
end

-- Column widths from the cells (a column as wide as its longest text, but never narrower than its
-- longest word), so Word and LibreOffice never break "Doorgroeimogelijkheden" in the middle.
local function widen(tbl)
  local wanted, count = {}, #tbl.colspecs
  local function measure(rows)
    for _, row in ipairs(rows) do
      for n, cell in ipairs(row.cells) do
        local text = pandoc.utils.stringify(cell.contents)
        local longest_word = 0
        for w in text:gmatch("%S+") do longest_word = math.max(longest_word, utf8.len(w) or #w) end
        -- a bold header word in a wide fallback font needs about 1.3 average characters per letter
        local need = math.max(math.min(utf8.len(text) or #text, 30), longest_word * 1.3 + 3)
        wanted[n] = math.max(wanted[n] or 4, need)
      end
    end
  end
  measure(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do measure(body.body) end
  local total = 0
  for n = 1, count do total = total + (wanted[n] or 4) end
  for n = 1, count do
    local scale = math.min(1, total / 60)  -- a narrow table stays narrow
    tbl.colspecs[n] = {tbl.colspecs[n][1], (wanted[n] or 4) / total * scale}
  end
  return tbl
end

return {
  {
    Table = widen,
    Link = function(link)
      if not safe_target(link.target) then return link.content end
    end,
    Image = function(image)
      if not local_picture(image.src) then
        return pandoc.Emph(image.caption)
      end
    end,
  },
  {Blocks = blocks_filter},
  {
    OrderedList = function(list) return list_styles(list, "List Number") end,
    BulletList = function(list) return list_styles(list, "List Bullet") end,
  },
}
