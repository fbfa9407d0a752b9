## Каркас
skip-to-content = Перейти к содержимому
nav-main = Основное меню
nav-queues = Очереди
nav-search = Поиск
nav-admin = Администрирование
nav-my-requests = Мои заявки
nav-new-request = Новая заявка
nav-settings = Настройки
sign-in = Войти
sign-out = Выйти
language = Язык
apply = Применить
times-in-zone = Время указано в часовом поясе { $zone }
go-back = Назад
go-home = На главную

## Ошибки
error-not-found = Не найдено
error-forbidden = Нет доступа
error-invalid = Проверьте введённые данные
error-too-many = Слишком много попыток; пожалуйста, подождите немного
error-too-large = Слишком большой объём загружаемых данных
error-internal = Что-то пошло не так на нашей стороне; ошибка записана в журнал

## Публичный сайт
home-title = ИТ-поддержка по договору — точно в срок
home-pitch = Мы ведём вашу службу поддержки строго по договору: каждая заявка регистрируется, классифицируется и отслеживается по SLA, а мониторинг замечает проблемы раньше вас.
home-feature-sla = Таймеры SLA учитывают только часы, предусмотренные договором, с учётом праздничных дней
home-feature-lines = Четыре линии поддержки — от первого ответа до вендора
home-feature-stability = Stability: мониторинг, инциденты открываются раньше, чем вы их заметите, доступность 99,5 %
home-feature-reports = Ежемесячный отчёт, который действительно хочется читать
lead-title = Заказать поддержку
lead-name = Ваше имя
lead-phone = Телефон
lead-need = Что вам нужно?
lead-send = Отправить
lead-thanks = Спасибо! Мы перезвоним вам в течение одного рабочего дня.
lead-too-many = Слишком много запросов с вашего адреса; попробуйте снова через час.
lead-bad-name = Укажите ваше имя.
lead-bad-phone = Укажите номер телефона: цифры, пробелы, + - ( ).
lead-bad-need = Опишите, что вам нужно (до 5000 символов).

## Вход
email = Электронная почта
password = Пароль
login-failed = Неверный адрес электронной почты или пароль.
login-too-many = Слишком много попыток; попробуйте снова через { $minutes } мин.
login-busy = Сервер сейчас проверяет слишком много входов; попробуйте снова через несколько секунд.
change-password = Сменить пароль
current-password = Текущий пароль
new-password = Новый пароль
new-password-again = Новый пароль ещё раз
password-hint = После смены вы выйдете на всех других устройствах; API-токены сохранятся.
password-changed = Пароль изменён. Другие сеансы завершены.
password-mismatch = Новые пароли не совпадают.
password-wrong = Это не ваш текущий пароль.
password-bad-new = Новый пароль должен содержать не менее { $chars } символов и отличаться от текущего.
password-too-many = Слишком много неверных попыток; попробуйте позже.
follow-browser = Как в браузере
time-zone = Часовой пояс
time-zone-hint = Оставьте пустым, чтобы использовать часовой пояс браузера.
save = Сохранить

## Очереди и списки
queue-line = Линия { $line }
queue-mine = Мои
queue-unassigned = Без исполнителя
queue-breached = Просроченные
queue-needs-qualification = Требуют квалификации
queue-empty = Здесь пусто. Отличная работа!
queue-more = Подходящих заявок больше; показаны ближайшие по сроку.
col-subject = Тема
col-customer = Клиент
col-class = Класс
col-line = Линия
col-status = Статус
col-assignee = Исполнитель
col-due = Срок
col-opened = Открыта
col-reply-due = Срок ответа
needs-qualification = требует квалификации
search = Найти
search-words = Слова
any = Все
opened-from = Дата открытия с
opened-to = Дата открытия по

## Статусы
status-new = Новая
status-open = Открыта
status-waiting_for_customer = Ожидает ответа клиента
status-waiting_for_vendor = Ожидает ответа вендора
status-resolved = Решена
status-closed = Закрыта

## Таймеры
clocks = Таймеры SLA
clock-reaction = Реакция
clock-resolution = Решение
clock-work-start = Начало работ
clock-explain = Норматив — { $target } времени обслуживания,
clock-counted = на данный момент учтено { $elapsed } в часы, предусмотренные договором.
state-running = в срок
state-warning = предупреждение
state-breached = просрочено
state-paused = на паузе
state-met = выполнено
due = Срок
remaining = Осталось
unit-d = { $n } д
unit-h = { $n } ч
unit-min = { $n } мин

## Страница заявки
description = Описание
timeline = Хронология
reply = Ответ
reply-public = Публичный ответ
reply-internal = Внутренняя заметка
visibility = Видимость
send = Отправить
internal = внутреннее
system = Система
contract = Договор
contract-from = действует с { $date }
contract-lines = линий: { $lines }
coverage = Режим обслуживания
coverage-custom = индивидуальный график
opened-at = Открыта { $at }
new-status = Новый статус
reason = Причина
change = Изменить
escalate = Эскалировать
deescalate = Вернуть на линию ниже
assign = Назначить
group = Группа
no-group = без группы
nobody = не назначен
log-time = Списание времени
minutes = Минуты
what-was-done = Что сделано
consultation = Консультация
log = Списать
vendor-block = Вендор (линия 4)
vendor = Вендор
external-ref = Номер у вендора
vendor-status = Статус у вендора
promise = Что обещал вендор
vendor-contact = Открыто для
vendor-not-shared = Не передано
attachments = Вложения
attach = Прикрепить
attachments-hint = До 10 МиБ на файл, всего до 40 МиБ.
event-created = Заявка зарегистрирована
event-created-detail = класс { $class }
event-reply = Ответ
event-note = Внутренняя заметка
event-vendor-note = Заметка вендора
event-status = Статус
event-class = Класс
event-line = Линия
event-assignee = Исполнитель
event-group = Группа
event-milestone = Этап
event-attachment = Прикреплён файл
event-time = Списано время
event-vendor = Передано вендору
event-vendor-unshared = Контакт вендора больше не видит заявку
event-sla-warning = Предупреждение SLA
support-team = Поддержка
event-sla-breach = Нарушение SLA

## Портал
portal-empty = У вас пока нет заявок.
system-unknown = Не знаю / другое
send-request = Отправить заявку
field-subject = Тема
field-description = Описание
field-system_id = Система
field-customer_id = Клиент
resolution = Решение
confirm-resolution = Да, проблема решена
reopen = Не решено: открыть заново

## Администрирование
customers = Клиенты
new-customer = Новый клиент
add = Добавить
leads = Обращения с сайта
leads-none = Обращений с сайта пока нет.
mark-handled = Отметить как обработанное
users = Пользователи
name = Имя
role = Роль
lines = Линии
role-admin = Администратор
role-agent = Специалист поддержки
role-customer = Пользователь клиента
role-vendor = Контакт вендора
enable = Включить
disable = Отключить
new-user = Новый пользователь
groups = Группы
new-group = Новая группа
add-member = Добавить участника
systems = Системы
built-by-us = разработана нами
third-party = сторонняя
contracts = Версии договора
new-contract-version = Новая версия договора
effective-from = Действует с
consultation-hours = Часы консультаций в месяц
base-price = Базовая цена, USD в месяц
warning-percent = Порог предупреждения, % от норматива
stability-addon = Опция Stability (500 USD)
vendor-wait-pauses = Ожидание вендора приостанавливает таймеры
week-preview = Часы обслуживания на неделе
holidays = Праздничные дни, по одной дате в строке
holidays-ics = …или импортируйте файл .ics
sla-table = Нормативы SLA по классам
sla-hint = Укажите 30m, 1h, 4h 30m; not_in_sla; или individual (вводится для каждой заявки). Если подключена Stability и значения не изменены, применяется вариант Stability.
stability-variant = Вариант для Stability
save-contract = Сохранить новую версию
preset-base = Рабочие часы 09:30–18:30 Пн–Пт
preset-base-evening = + вечер 18:00–20:00
preset-base-saturday = + один выходной день
preset-base-weekends = + оба выходных дня 09:00–17:00
preset-base-weekends-long = + оба выходных дня 09:00–20:00
preset-base-evening-weekends-long = + вечер и оба выходных дня 09:00–20:00
preset-24x7 = 24×7
day-1 = Пн
day-2 = Вт
day-3 = Ср
day-4 = Чт
day-5 = Пт
day-6 = Сб
day-7 = Вс

## Заявки по телефону
nav-phone-ticket = Звонок
new-phone-ticket = Заявка, принятая по телефону
class-automatic = Автоматически
call-received = Звонок поступил
call-received-hint = Оставьте пустым, если только что. Часы SLA идут с момента звонка.

## Доступность
availability = Доступность
month = Месяц
no-systems = Системы не заведены.
this-month = За месяц
guarantee = Гарантия
allowance-month = Остаток допустимого простоя за месяц
this-year = За год
allowance-year = Остаток допустимого простоя за год
unknown-time = Нет данных
uptime-bars = Доступность по дням
incidents = Инциденты
no-incidents = Инцидентов нет.
detected = Обнаружен
downtime = Простой
still-down = всё ещё недоступна
found-before-customer = обнаружен раньше клиента
down-for = простой
availability-hint = Доступность считается по изменениям состояния; плановые работы исключены, время без данных показано отдельно и никогда не считается временем работы.

# ssrf: monitors' targets (tierline_domain::reach), the administrators' monitors page
monitor-list = Мониторы
monitor-none = У этой системы нет мониторов.
monitor-col-check = Проверка
monitor-col-health = Состояние
monitor-col-last = Последний результат
monitor-health-up = работает
monitor-health-down = не работает
monitor-health-unknown = неизвестно
monitor-private = Частные адреса
monitor-allow-private = Может обращаться к частным адресам (loopback, link-local, частные сети)
monitor-private-hint = Мониторы обращаются только к публичным адресам. Разрешайте частные лишь монитору, цели которого доверяете: разрешение относится к собственному узлу и порту этого монитора, а смена цели агентом его отменяет.
monitor-target-refused = Адрес цели запрещён: { $class ->
    [loopback] локальный (loopback)
    [unspecified] неуказанный адрес
    [link-local] локальный в пределах канала (link-local)
    [private] частная сеть
    [shared] общее адресное пространство (NAT оператора)
    [multicast] групповой (multicast)
    [broadcast] широковещательный
    [documentation] диапазон для документации
   *[other] зарезервированный диапазон
}

# parse: limits on what is uploaded (holiday files, attachments)
ics-too-large = Файл .ics больше { $kib } КиБ — это наибольший допустимый размер файла праздников.
ics-line-too-long = Строка { $line } файла .ics длиннее { $max } байт — это наибольшая допустимая длина строки.
ics-property-too-long = Свойство в строке { $line } файла .ics вместе со строками продолжения длиннее { $max } байт — это наибольшая допустимая длина свойства.
ics-too-deep = В строке { $line } файл .ics вкладывает компоненты глубже чем на { $max } уровней.
ics-too-many-events = В файле .ics больше { $max } событий (лишнее начинается в строке { $line }) — это наибольшее число событий в файле праздников.
ics-too-many-dates = Файл .ics даёт больше { $max } дат праздников (предел достигнут на событии из строки { $line }) — это наибольшее число дат для файла праздников; укажите меньше лет или более короткие события.
upload-quota = Файлы обращений этого клиента заняли бы больше разрешённых { $quota } (сохранено { $used }, отправлено { $size }). Ничего не добавлено.
upload-rate = Для обращений этого клиента можно загрузить не больше { $rate } файлов за { $hours } ч: уже загружено { $recent }, а эти файлы занимают { $size }. Ничего не добавлено; попробуйте ещё раз через { $minutes } мин.

# edge: control characters refused in forms (issue 10)
edge-control-chars = { $field }: управляющие символы (например, NUL) не допускаются; переводы строк и табуляция допускаются.
edge-one-line = { $field }: должно быть одной строкой, без переводов строк, табуляции и других управляющих символов (например, NUL).
field-email = Электронная почта
field-name = Имя
field-phone = Телефон
field-need = Что нужно
field-body = Сообщение
field-reason = Причина
field-note = Примечание
field-files = Файлы
