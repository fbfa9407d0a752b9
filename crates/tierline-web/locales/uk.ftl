## Каркас
skip-to-content = Перейти до вмісту
nav-main = Основне меню
nav-queues = Черги
nav-search = Пошук
nav-admin = Адміністрування
nav-my-requests = Мої заявки
nav-new-request = Нова заявка
nav-settings = Налаштування
sign-in = Увійти
sign-out = Вийти
language = Мова
apply = Застосувати
times-in-zone = Час зазначено в часовому поясі { $zone }
go-back = Назад
go-home = На головну

## Помилки
error-not-found = Не знайдено
error-forbidden = Немає доступу
error-invalid = Перевірте введені дані
error-too-many = Забагато спроб; будь ласка, трохи зачекайте
error-too-large = Завеликий обсяг завантажуваних даних
error-internal = Щось пішло не так на нашому боці; помилку записано в журнал

## Публічний сайт
home-title = ІТ-підтримка за договором — чітко в строк
home-pitch = Ми ведемо вашу службу підтримки суворо за договором: кожну заявку реєструємо, класифікуємо й відстежуємо за SLA, а моніторинг помічає проблеми раніше за вас.
home-feature-sla = Таймери SLA враховують лише години, передбачені договором, з урахуванням святкових днів
home-feature-lines = Чотири лінії підтримки — від першої відповіді до вендора
home-feature-stability = Stability: моніторинг, інциденти відкриваються ще до того, як ви їх помітите, доступність 99,5 %
home-feature-reports = Щомісячний звіт, який справді хочеться читати
lead-title = Замовити підтримку
lead-name = Ваше ім’я
lead-phone = Телефон
lead-need = Що вам потрібно?
lead-send = Надіслати
lead-thanks = Дякуємо! Ми передзвонимо вам протягом одного робочого дня.
lead-too-many = Забагато запитів з вашої адреси; спробуйте ще раз за годину.
lead-bad-name = Вкажіть ваше ім’я.
lead-bad-phone = Вкажіть номер телефону: цифри, пробіли, + - ( ).
lead-bad-need = Опишіть, що вам потрібно (до 5000 символів).

## Вхід
email = Електронна пошта
password = Пароль
login-failed = Неправильна адреса електронної пошти або пароль.
login-too-many = Забагато спроб; спробуйте знову за { $minutes } хв.
login-busy = Сервер зараз перевіряє забагато входів; спробуйте знову за кілька секунд.
change-password = Змінити пароль
current-password = Поточний пароль
new-password = Новий пароль
new-password-again = Новий пароль ще раз
password-hint = Після зміни ви вийдете на всіх інших пристроях; API-токени залишаться.
password-changed = Пароль змінено. Інші сеанси завершено.
password-mismatch = Нові паролі не збігаються.
password-wrong = Це не ваш поточний пароль.
password-bad-new = Новий пароль має містити щонайменше { $chars } символів і відрізнятися від поточного.
password-too-many = Забагато невдалих спроб; спробуйте пізніше.
follow-browser = Як у браузері
time-zone = Часовий пояс
time-zone-hint = Залиште порожнім, щоб використовувати часовий пояс браузера.
save = Зберегти

## Черги та списки
queue-line = Лінія { $line }
queue-mine = Мої
queue-unassigned = Без виконавця
queue-breached = Прострочені
queue-needs-qualification = Потребують кваліфікації
queue-empty = Тут порожньо. Чудова робота!
queue-more = Відповідних заявок більше; показано найближчі за терміном.
col-subject = Тема
col-customer = Клієнт
col-class = Клас
col-line = Лінія
col-status = Статус
col-assignee = Виконавець
col-due = Термін
col-opened = Відкрита
col-reply-due = Термін відповіді
needs-qualification = потребує кваліфікації
search = Знайти
search-words = Слова
any = Усі
opened-from = Дата відкриття з
opened-to = Дата відкриття до

## Статуси
status-new = Нова
status-open = Відкрита
status-waiting_for_customer = Очікує відповіді клієнта
status-waiting_for_vendor = Очікує відповіді вендора
status-resolved = Вирішена
status-closed = Закрита

## Таймери
clocks = Таймери SLA
clock-reaction = Реакція
clock-resolution = Вирішення
clock-work-start = Початок робіт
clock-explain = Норматив — { $target } часу обслуговування,
clock-counted = наразі враховано { $elapsed } у години, передбачені договором.
state-running = вчасно
state-warning = попередження
state-breached = прострочено
state-paused = на паузі
state-met = виконано
due = Термін
remaining = Залишилося
unit-d = { $n } д
unit-h = { $n } год
unit-min = { $n } хв

## Сторінка заявки
description = Опис
timeline = Хронологія
reply = Відповідь
reply-public = Публічна відповідь
reply-internal = Внутрішня нотатка
visibility = Видимість
send = Надіслати
internal = внутрішнє
system = Система
contract = Договір
contract-from = діє з { $date }
contract-lines = ліній: { $lines }
coverage = Режим обслуговування
coverage-custom = індивідуальний графік
opened-at = Відкрита { $at }
new-status = Новий статус
reason = Причина
change = Змінити
escalate = Ескалювати
deescalate = Повернути на лінію нижче
assign = Призначити
group = Група
no-group = без групи
nobody = не призначено
log-time = Облік часу
minutes = Хвилини
what-was-done = Що зроблено
consultation = Консультація
log = Записати
vendor-block = Вендор (лінія 4)
vendor = Вендор
external-ref = Номер у вендора
vendor-status = Статус у вендора
promise = Що пообіцяв вендор
vendor-contact = Відкрито для
vendor-not-shared = Не передано
attachments = Вкладення
attach = Прикріпити
attachments-hint = До 10 МіБ на файл, загалом до 40 МіБ.
event-created = Заявку зареєстровано
event-created-detail = клас { $class }
event-reply = Відповідь
event-note = Внутрішня нотатка
event-vendor-note = Нотатка вендора
event-status = Статус
event-class = Клас
event-line = Лінія
event-assignee = Виконавець
event-group = Група
event-milestone = Етап
event-attachment = Додано файл
event-time = Записано час
event-vendor = Передано вендору
event-vendor-unshared = Контакт вендора більше не бачить заявку
event-sla-warning = Попередження SLA
support-team = Підтримка
event-sla-breach = Порушення SLA

## Портал
portal-empty = У вас поки немає заявок.
system-unknown = Не знаю / інше
send-request = Надіслати заявку
field-subject = Тема
field-description = Опис
field-system_id = Система
field-customer_id = Клієнт
resolution = Рішення
confirm-resolution = Так, проблему вирішено
reopen = Не вирішено: відкрити знову

## Адміністрування
customers = Клієнти
new-customer = Новий клієнт
add = Додати
leads = Звернення з сайту
leads-none = Звернень із сайту поки немає.
mark-handled = Позначити як оброблене
users = Користувачі
name = Ім’я
role = Роль
lines = Лінії
role-admin = Адміністратор
role-agent = Фахівець підтримки
role-customer = Користувач клієнта
role-vendor = Контакт вендора
enable = Увімкнути
disable = Вимкнути
new-user = Новий користувач
groups = Групи
new-group = Нова група
add-member = Додати учасника
systems = Системи
built-by-us = розроблена нами
third-party = стороння
contracts = Версії договору
new-contract-version = Нова версія договору
effective-from = Діє з
consultation-hours = Години консультацій на місяць
base-price = Базова ціна, USD на місяць
warning-percent = Поріг попередження, % від нормативу
stability-addon = Опція Stability (500 USD)
vendor-wait-pauses = Очікування на вендора призупиняє таймери
week-preview = Години обслуговування протягом тижня
holidays = Святкові дні, по одній даті в рядку
holidays-ics = …або імпортуйте файл .ics
sla-table = Нормативи SLA за класами
sla-hint = Вкажіть 30m, 1h, 4h 30m; not_in_sla; або individual (вводиться для кожної заявки). Якщо підключено Stability і значення не змінено, застосовується варіант Stability.
stability-variant = Варіант для Stability
save-contract = Зберегти нову версію
preset-base = Робочі години 09:30–18:30 Пн–Пт
preset-base-evening = + вечір 18:00–20:00
preset-base-saturday = + один вихідний день
preset-base-weekends = + обидва вихідні дні 09:00–17:00
preset-base-weekends-long = + обидва вихідні дні 09:00–20:00
preset-base-evening-weekends-long = + вечір і обидва вихідні дні 09:00–20:00
preset-24x7 = 24×7
day-1 = Пн
day-2 = Вт
day-3 = Ср
day-4 = Чт
day-5 = Пт
day-6 = Сб
day-7 = Нд

## Заявки телефоном
nav-phone-ticket = Дзвінок
new-phone-ticket = Заявка, прийнята телефоном
class-automatic = Автоматично
call-received = Дзвінок надійшов
call-received-hint = Залиште порожнім, якщо щойно. Години SLA ідуть з моменту дзвінка.

## Доступність
availability = Доступність
month = Місяць
no-systems = Системи не заведено.
this-month = За місяць
guarantee = Гарантія
allowance-month = Залишок допустимого простою за місяць
this-year = За рік
allowance-year = Залишок допустимого простою за рік
unknown-time = Немає даних
uptime-bars = Доступність по днях
incidents = Інциденти
no-incidents = Інцидентів немає.
detected = Виявлено
downtime = Простій
still-down = досі недоступна
found-before-customer = виявлено раніше за клієнта
down-for = простій
availability-hint = Доступність рахується за змінами стану; планові роботи виключено, час без даних показано окремо і ніколи не зараховано як час роботи.

# ssrf: monitors' targets (tierline_domain::reach), the administrators' monitors page
monitor-list = Монітори
monitor-none = У цієї системи немає моніторів.
monitor-col-check = Перевірка
monitor-col-health = Стан
monitor-col-last = Останній результат
monitor-health-up = працює
monitor-health-down = не працює
monitor-health-unknown = невідомо
monitor-private = Приватні адреси
monitor-allow-private = Може звертатися до приватних адрес (loopback, link-local, приватні мережі)
monitor-private-hint = Монітори звертаються лише до публічних адрес. Дозволяйте приватні тільки монітору, цілі якого довіряєте: дозвіл стосується власного вузла й порту цього монітора, а зміна цілі агентом його скасовує.
monitor-target-refused = Адресу цілі заборонено: { $class ->
    [loopback] локальна (loopback)
    [unspecified] невизначена адреса
    [link-local] локальна в межах каналу (link-local)
    [private] приватна мережа
    [shared] спільний адресний простір (NAT оператора)
    [multicast] групова (multicast)
    [broadcast] широкомовна
    [documentation] діапазон для документації
   *[other] зарезервований діапазон
}

# parse: limits on what is uploaded (holiday files, attachments)
ics-too-large = Файл .ics більший за { $kib } КіБ — це найбільший допустимий розмір файлу свят.
ics-line-too-long = Рядок { $line } файлу .ics довший за { $max } байтів — це найбільша допустима довжина рядка.
ics-property-too-long = Властивість у рядку { $line } файлу .ics разом із рядками продовження довша за { $max } байтів — це найбільша допустима довжина властивості.
ics-too-deep = У рядку { $line } файл .ics вкладає компоненти глибше ніж на { $max } рівнів.
ics-too-many-events = У файлі .ics понад { $max } подій (зайва починається в рядку { $line }) — це найбільше, що може мати файл свят.
ics-too-many-dates = Файл .ics дає понад { $max } дат свят (межу досягнуто на події з рядка { $line }) — це найбільше, що може дати файл свят; вкажіть менше років або коротші події.
upload-quota = Файли звернень цього клієнта зайняли б більше за дозволені { $quota } (збережено { $used }, надіслано { $size }). Нічого не додано.
upload-rate = Для звернень цього клієнта можна завантажити не більше { $rate } файлів за { $hours } год: уже завантажено { $recent }, а ці файли мають { $size }. Нічого не додано; спробуйте ще раз за { $minutes } хв.

# edge: control characters refused in forms (issue 10)
edge-control-chars = { $field }: керівні символи (як-от NUL) не дозволені; переноси рядків і табуляція дозволені.
edge-one-line = { $field }: має бути одним рядком, без переносів, табуляції та інших керівних символів (як-от NUL).
field-email = Електронна пошта
field-name = Ім’я
field-phone = Телефон
field-need = Що потрібно
field-body = Повідомлення
field-reason = Причина
field-note = Примітка
field-files = Файли
